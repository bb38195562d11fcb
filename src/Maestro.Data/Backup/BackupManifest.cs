namespace Maestro.Data.Backup;

/// <summary>
/// The first line of a backup file: what it holds and what restoring it needs, readable before any data is touched.
/// </summary>
/// <param name="Format">Always <see cref="BackupFormat.Name"/>.</param>
/// <param name="FormatVersion">The file layout's version (<see cref="BackupFormat.Version"/>).</param>
/// <param name="SchemaVersion">The newest migration applied to the database the backup came from.</param>
/// <param name="Migrations">Every migration applied there; a restore rebuilds exactly these before loading rows.</param>
/// <param name="KeyIds">Secret key id → how many ciphertexts use it. The keys themselves are never in the file.</param>
/// <param name="Tables">Every table in the order its rows follow (parents before children), with its row count.</param>
public sealed record BackupManifest(
    string Format,
    int FormatVersion,
    string MaestroVersion,
    string? MaestroCommit,
    DateTimeOffset CreatedAt,
    string ServerVersion,
    int SchemaVersion,
    IReadOnlyList<BackupMigration> Migrations,
    IReadOnlyDictionary<string, long> KeyIds,
    IReadOnlyList<BackupTable> Tables)
{
    public long TotalRows => Tables.Sum(t => t.Rows);
}

public sealed record BackupMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt);

/// <param name="Columns">The columns the rows carry, in order (generated columns are left out: PostgreSQL recomputes them).</param>
public sealed record BackupTable(string Name, IReadOnlyList<string> Columns, long Rows);

/// <summary>A sequence's state, restored with setval.</summary>
public sealed record BackupSequence(string Name, long LastValue, bool IsCalled);

/// <summary>The line that opens a table's rows.</summary>
public sealed record BackupSection(string Table);

/// <summary>The last line: the sequences and the rows each table really had, so a cut-off file is never mistaken for a whole one.</summary>
public sealed record BackupEnd(IReadOnlyList<BackupSequence> Sequences, IReadOnlyDictionary<string, long> Rows);
