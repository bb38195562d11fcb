using System.Text.Json.Serialization;

namespace Maestro.Data.Backup;

/// <summary>
/// A backup file is gzip-compressed UTF-8 text, one record per line:
/// <code>
/// {manifest}                      BackupManifest
/// {"table": "auths"}              BackupSection, then the table's rows in PostgreSQL's COPY text format
/// ...rows...
/// \.                              the end of the table's rows (a row line can never be exactly this)
/// ...                             the next tables
/// {"sequences": [...], "rows": {...}}   BackupEnd
/// </code>
/// Plain COPY text reads back on any PostgreSQL version and into an embedded or external server alike.
/// </summary>
public static class BackupFormat
{
    public const string Name = "maestro-backup";
    public const int Version = 1;

    /// <summary>Ends a table's rows, as in psql's COPY format: data lines escape every backslash, so none is exactly "\.".</summary>
    public const string EndOfRows = "\\.";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(BackupManifest))]
[JsonSerializable(typeof(BackupSection))]
[JsonSerializable(typeof(BackupEnd))]
internal sealed partial class BackupJsonContext : JsonSerializerContext;
