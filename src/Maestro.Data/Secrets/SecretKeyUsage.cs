using Npgsql;

namespace Maestro.Data.Secrets;

/// <summary>Counts the stored ciphertexts per key id, from the key id in each ciphertext's header.</summary>
public static class SecretKeyUsage
{
    /// <summary>Reads inside <paramref name="transaction"/> when given (a backup's snapshot); skips tables that do not exist.</summary>
    public static async Task<IReadOnlyList<KeyUsage>> ReadAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var usage = new List<KeyUsage>();
        foreach (var column in EncryptedColumns.All)
        {
            if (!await TableExistsAsync(connection, transaction, column.Table, cancellationToken))
            {
                continue;
            }

            await using var count = new NpgsqlCommand(
                $"SELECT {column.KeyIdExpression}, count(*) FROM \"{column.Table}\" WHERE {column.HasValue} GROUP BY 1 ORDER BY 1",
                connection, transaction);
            await using var reader = await count.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                usage.Add(new KeyUsage(reader.IsDBNull(0) ? "" : reader.GetString(0), column.Name, reader.GetInt64(1)));
            }
        }

        return usage;
    }

    /// <summary>False for a registered table that the database's schema does not have (yet).</summary>
    internal static async Task<bool> TableExistsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string table, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection, transaction);
        exists.Parameters.AddWithValue(table);
        return (bool)(await exists.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Ciphertexts per key id, all columns together.</summary>
    public static IReadOnlyDictionary<string, long> ByKey(IEnumerable<KeyUsage> usage) =>
        usage.GroupBy(u => u.KeyId).ToDictionary(g => g.Key, g => g.Sum(u => u.Count), StringComparer.Ordinal);
}
