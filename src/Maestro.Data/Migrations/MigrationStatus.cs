using System.Globalization;

namespace Maestro.Data.Migrations;

/// <summary>A migration as recorded in the database's schema_migrations table.</summary>
public sealed record AppliedMigration(int Version, string Name, string Checksum, DateTimeOffset AppliedAt)
{
    public string Label => $"{Version.ToString("D4", CultureInfo.InvariantCulture)}_{Name}";
}

/// <summary>This binary's migrations compared with a database's.</summary>
/// <param name="Applied">Recorded in the database, oldest first.</param>
/// <param name="Pending">Known here, not applied yet, in the order they will run.</param>
/// <param name="Unknown">Applied, but unknown to this binary: a newer Maestro upgraded the database.</param>
/// <param name="Changed">Applied with a different text than this binary's file (the database keeps what it applied).</param>
public sealed record MigrationStatus(
    IReadOnlyList<AppliedMigration> Applied,
    IReadOnlyList<Migrator.Migration> Pending,
    IReadOnlyList<AppliedMigration> Unknown,
    IReadOnlyList<AppliedMigration> Changed,
    int BinaryVersion)
{
    public int DatabaseVersion => Applied.Count == 0 ? 0 : Applied.Max(a => a.Version);

    public static MigrationStatus Compare(IReadOnlyList<Migrator.Migration> known, IReadOnlyList<AppliedMigration> applied)
    {
        var byVersion = known.ToDictionary(m => m.Version);
        var appliedVersions = applied.Select(a => a.Version).ToHashSet();
        return new MigrationStatus(
            applied.OrderBy(a => a.Version).ToList(),
            known.Where(m => !appliedVersions.Contains(m.Version)).ToList(),
            applied.Where(a => !byVersion.ContainsKey(a.Version)).OrderBy(a => a.Version).ToList(),
            applied.Where(a => byVersion.TryGetValue(a.Version, out var m) && m.Checksum != a.Checksum).ToList(),
            known.Count == 0 ? 0 : known.Max(m => m.Version));
    }
}
