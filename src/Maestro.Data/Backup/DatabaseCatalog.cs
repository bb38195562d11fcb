using Maestro.Core.Errors;
using Npgsql;

namespace Maestro.Data.Backup;

/// <summary>
/// The tables and sequences of Maestro's schema, read from PostgreSQL's catalog rather than listed by hand, so a table
/// that a later migration adds is backed up and restored without anyone remembering to list it.
/// </summary>
internal static class DatabaseCatalog
{
    /// <summary>Bookkeeping of the migrations themselves: recorded in the manifest, rebuilt by the restore.</summary>
    public const string MigrationsTable = "schema_migrations";

    /// <summary>
    /// Sign-in state rather than data: browser sessions and unused one-time sign-in links. Their rows stay out of
    /// backups, so a restore signs every browser out instead of bringing back sessions ended since the backup (by a
    /// rotated access token or a new password); the migrations rebuild the tables, empty. The password is kept.
    /// </summary>
    public static readonly string[] NotBackedUp = ["browser_sessions", "sign_in_codes"];

    public sealed record Table(uint Oid, string Name, bool Partitioned, IReadOnlyList<string> Columns);

    /// <summary>The tables of the current schema that a backup holds, parents before the tables whose foreign keys point at them.</summary>
    public static async Task<IReadOnlyList<Table>> TablesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var tables = new List<Table>();
        await using (var read = new NpgsqlCommand("""
            SELECT c.oid, c.relname, c.relkind = 'p',
                   array(SELECT a.attname::text FROM pg_attribute a
                         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                         ORDER BY a.attnum)
            FROM pg_class c
            WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND c.relname <> $1 AND c.relname::text <> ALL($2)
            ORDER BY c.relname
            """, connection, transaction))
        {
            read.Parameters.AddWithValue(MigrationsTable);
            read.Parameters.AddWithValue(NotBackedUp);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(new Table(reader.GetFieldValue<uint>(0), reader.GetString(1), reader.GetBoolean(2), reader.GetFieldValue<string[]>(3)));
            }
        }

        var parents = tables.ToDictionary(t => t.Oid, _ => new HashSet<uint>());
        await using (var keys = new NpgsqlCommand(
            "SELECT conrelid, confrelid FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY($1) AND confrelid = ANY($1) AND conrelid <> confrelid",
            connection, transaction))
        {
            keys.Parameters.Add(new NpgsqlParameter
            {
                Value = tables.Select(t => t.Oid).ToArray(),
                NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Oid,
            });
            await using var reader = await keys.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                parents[reader.GetFieldValue<uint>(0)].Add(reader.GetFieldValue<uint>(1));
            }
        }

        return ParentsFirst(tables, parents);
    }

    public static async Task<long> CountRowsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Table table, CancellationToken cancellationToken)
    {
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {From(table)}", connection, transaction);
        return (long)(await count.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>The FROM target: ONLY the table itself, or a partitioned table with its partitions.</summary>
    public static string From(Table table) => table.Partitioned ? Quote(table.Name) : $"ONLY {Quote(table.Name)}";

    public static async Task<IReadOnlyList<BackupSequence>> SequencesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await using (var read = new NpgsqlCommand(
            "SELECT relname FROM pg_class WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND relkind = 'S' ORDER BY relname", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                names.Add(reader.GetString(0));
            }
        }

        var sequences = new List<BackupSequence>();
        foreach (var name in names)
        {
            await using var state = new NpgsqlCommand($"SELECT last_value, is_called FROM {Quote(name)}", connection, transaction);
            await using var reader = await state.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            sequences.Add(new BackupSequence(name, reader.GetInt64(0), reader.GetBoolean(1)));
        }

        return sequences;
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string ColumnList(IEnumerable<string> columns) => string.Join(", ", columns.Select(Quote));

    private static List<Table> ParentsFirst(List<Table> tables, Dictionary<uint, HashSet<uint>> parents)
    {
        var ordered = new List<Table>(tables.Count);
        var placed = new HashSet<uint>();
        while (ordered.Count < tables.Count)
        {
            // Alphabetical among those whose parents are placed: the same database always gives the same file.
            var next = tables.FirstOrDefault(t => !placed.Contains(t.Oid) && parents[t.Oid].All(placed.Contains))
                ?? throw new MaestroException(
                    $"The tables {string.Join(", ", tables.Where(t => !placed.Contains(t.Oid)).Select(t => t.Name))} refer to each other in a cycle; they cannot be restored table by table.",
                    "Report this: a migration created a foreign-key cycle.");
            ordered.Add(next);
            placed.Add(next.Oid);
        }

        return ordered;
    }
}
