using System.Globalization;

namespace Maestro.Data.Secrets;

/// <summary>
/// One column of AES-GCM ciphertexts (<see cref="Core.Secrets.AesGcmSecretProtector"/>): where it is, the purpose each
/// ciphertext is bound to (<see cref="PurposePrefix"/> + the row's id, exactly as its store writes it), and the column
/// that records the key id beside it, if any. Every ciphertext also names its key id in its own header, which is what
/// status, rotation and backups read.
/// </summary>
/// <param name="Table">The table.</param>
/// <param name="IdColumn">Its primary key (one column).</param>
/// <param name="CiphertextColumn">The bytea column of ciphertexts (nulls are skipped).</param>
/// <param name="PurposePrefix">The purpose is this prefix followed by the id as text, e.g. "auth:" + id.</param>
/// <param name="KeyIdColumn">A text column set to the key id whenever the ciphertext is written; null if the table has none.</param>
/// <param name="Filter">A SQL condition for tables where only some rows hold ciphertexts; null for every row.</param>
public sealed record EncryptedColumn(
    string Table, string IdColumn, string CiphertextColumn, string PurposePrefix, string? KeyIdColumn = null, string? Filter = null)
{
    /// <summary>table.column, as status and errors name it.</summary>
    public string Name => $"{Table}.{CiphertextColumn}";

    public string Purpose(object id) => PurposePrefix + Convert.ToString(id, CultureInfo.InvariantCulture);

    /// <summary>The SQL condition for "this row holds a ciphertext of this column".</summary>
    internal string HasValue => $"\"{CiphertextColumn}\" IS NOT NULL{(Filter is null ? "" : $" AND ({Filter})")}";

    /// <summary>The SQL expression for the key id in the ciphertext's header (bytes 2–5), as 8 hex characters.</summary>
    internal string KeyIdExpression => $"encode(substring(\"{CiphertextColumn}\" from 2 for 4), 'hex')";
}
