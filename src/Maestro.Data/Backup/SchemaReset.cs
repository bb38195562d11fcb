using Npgsql;

namespace Maestro.Data.Backup;

/// <summary>
/// Removes Maestro's schema objects (tables, views, sequences, functions, types, extensions) from the current schema,
/// inside the caller's transaction, so a restore can rebuild them exactly as the backup's migrations made them. It
/// works with the rights of a database owner; it never needs to drop or recreate the schema itself.
/// </summary>
internal static class SchemaReset
{
    private const string Namespace = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())";
    private const string NotFromExtension = "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = {0}.oid AND d.deptype = 'e')";

    private static readonly string[] Statements =
    [
        $"SELECT format('DROP EXTENSION IF EXISTS %I CASCADE', extname) FROM pg_extension WHERE extnamespace = {Namespace}",
        $"SELECT format('DROP VIEW IF EXISTS %I CASCADE', relname) FROM pg_class c WHERE relnamespace = {Namespace} AND relkind = 'v' AND {string.Format(null, NotFromExtension, "c")}",
        $"SELECT format('DROP MATERIALIZED VIEW IF EXISTS %I CASCADE', relname) FROM pg_class c WHERE relnamespace = {Namespace} AND relkind = 'm' AND {string.Format(null, NotFromExtension, "c")}",
        $"SELECT format('DROP TABLE IF EXISTS %I CASCADE', relname) FROM pg_class c WHERE relnamespace = {Namespace} AND relkind IN ('r', 'p') AND NOT relispartition AND {string.Format(null, NotFromExtension, "c")}",
        $"SELECT format('DROP SEQUENCE IF EXISTS %I CASCADE', relname) FROM pg_class c WHERE relnamespace = {Namespace} AND relkind = 'S' AND {string.Format(null, NotFromExtension, "c")}",
        $"SELECT format('DROP ROUTINE IF EXISTS %s CASCADE', p.oid::regprocedure) FROM pg_proc p WHERE pronamespace = {Namespace} AND {string.Format(null, NotFromExtension, "p")}",
        $"""
        SELECT format('DROP TYPE IF EXISTS %s CASCADE', t.oid::regtype) FROM pg_type t
        WHERE typnamespace = {Namespace} AND typtype IN ('e', 'd', 'r', 'm', 'c')
          AND (typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
          AND {string.Format(null, NotFromExtension, "t")}
        """,
    ];

    public static async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        foreach (var query in Statements)
        {
            var drops = new List<string>();
            await using (var find = new NpgsqlCommand(query, connection, transaction))
            await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    drops.Add(reader.GetString(0));
                }
            }

            foreach (var drop in drops)
            {
                await using var command = new NpgsqlCommand(drop, connection, transaction);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}
