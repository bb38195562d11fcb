using Maestro.Core.Errors;
using Maestro.Data.Migrations;
using Npgsql;

namespace Maestro.Data.Backup;

/// <summary>
/// Loads a backup into a database in one transaction: the schema is rebuilt with the backup's own migrations, the rows
/// are copied in, the sequences set, and only a complete, consistent file is committed — a damaged or cut-off backup,
/// or any error, leaves the database exactly as it was. Migrations newer than the backup run afterwards, as at any start.
/// </summary>
public sealed class DatabaseRestore(NpgsqlDataSource dataSource)
{
    private const int ProgressEvery = 2000;
    private static readonly TimeSpan OtherClientsGrace = TimeSpan.FromSeconds(3);

    /// <summary>Refuses a backup whose schema this binary cannot rebuild (it came from a newer Maestro).</summary>
    public static void CheckSchema(BackupManifest manifest)
    {
        var known = Migrator.Load().ToDictionary(m => m.Version);
        var unknown = manifest.Migrations.Where(m => !known.ContainsKey(m.Version)).ToList();
        if (unknown.Count > 0)
        {
            throw new MaestroException(
                $"This backup is from a newer Maestro ({manifest.MaestroVersion}, schema version {manifest.SchemaVersion}); this Maestro knows schema " +
                $"version {Migrator.SchemaVersion} and lacks {string.Join(", ", unknown.Select(u => new AppliedMigration(u.Version, u.Name, u.Checksum, u.AppliedAt).Label))}.",
                $"Restore it with Maestro {manifest.MaestroVersion} or newer.");
        }
    }

    public async Task RestoreAsync(BackupReader backup, bool replace, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        var manifest = backup.Manifest;
        CheckSchema(manifest);
        var known = Migrator.Load().ToDictionary(m => m.Version);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Instances that start meanwhile wait here instead of migrating a half-restored schema.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue(Migrator.AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await RefuseOtherClientsAsync(connection, transaction, cancellationToken);
        var existing = await DatabaseCatalog.TablesAsync(connection, transaction, cancellationToken);
        if (!replace)
        {
            await RefuseNonEmptyAsync(connection, transaction, existing, cancellationToken);
        }

        await SchemaReset.RunAsync(connection, transaction, cancellationToken);
        await Migrator.EnsureTableAsync(connection, transaction, cancellationToken);
        await using (var clear = new NpgsqlCommand($"DELETE FROM {DatabaseCatalog.MigrationsTable}", connection, transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var migration in manifest.Migrations.OrderBy(m => m.Version))
        {
            await Migrator.ApplyAsync(connection, transaction, known[migration.Version], migration.AppliedAt, cancellationToken);
        }

        var tables = (await DatabaseCatalog.TablesAsync(connection, transaction, cancellationToken)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        long done = 0;
        foreach (var table in manifest.Tables)
        {
            if (!tables.TryGetValue(table.Name, out var target) || table.Columns.Except(target.Columns, StringComparer.Ordinal).Any())
            {
                throw new MaestroException(
                    $"The backup's table {table.Name} ({string.Join(", ", table.Columns)}) does not match the schema its migrations build here.",
                    "The migrations were changed after the backup was taken; restore it with the Maestro version that made it.");
            }

            var section = await backup.ReadRecordAsync(BackupJsonContext.Default.BackupSection, $"the rows of {table.Name}", cancellationToken);
            if (section.Table != table.Name)
            {
                throw backup.Damaged($"the rows of {table.Name} were expected, found {section.Table ?? "something else"}");
            }

            progress?.Invoke(new BackupProgress(table.Name, 0, table.Rows, done, manifest.TotalRows));
            long tableDone = 0;
            try
            {
                await using var copy = await connection.BeginTextImportAsync(
                    $"COPY {DatabaseCatalog.Quote(table.Name)} ({DatabaseCatalog.ColumnList(table.Columns)}) FROM STDIN", cancellationToken);
                while (await backup.ReadLineAsync(cancellationToken) is var line && line != BackupFormat.EndOfRows)
                {
                    await copy.WriteAsync(line);
                    await copy.WriteAsync('\n');
                    tableDone++;
                    if (tableDone % ProgressEvery == 0)
                    {
                        progress?.Invoke(new BackupProgress(table.Name, tableDone, table.Rows, done + tableDone, manifest.TotalRows));
                    }
                }
            }
            catch (PostgresException ex)
            {
                // A row cut in half (a truncated file) or altered: PostgreSQL refuses it, and the transaction with it.
                throw backup.Damaged($"the rows of {table.Name} do not load (row {tableDone + 1}: {ex.MessageText})");
            }

            if (tableDone != table.Rows)
            {
                throw backup.Damaged($"{table.Name} has {tableDone} rows, the manifest says {table.Rows}");
            }

            done += tableDone;
            progress?.Invoke(new BackupProgress(table.Name, tableDone, table.Rows, done, manifest.TotalRows, TableFinished: true));
        }

        var end = await backup.ReadRecordAsync(BackupJsonContext.Default.BackupEnd, "the end of the backup", cancellationToken);
        foreach (var sequence in end.Sequences ?? [])
        {
            await using var set = new NpgsqlCommand("SELECT setval($1::regclass, $2, $3)", connection, transaction);
            set.Parameters.AddWithValue(DatabaseCatalog.Quote(sequence.Name));
            set.Parameters.AddWithValue(sequence.LastValue);
            set.Parameters.AddWithValue(sequence.IsCalled);
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A running Maestro would keep serving (and writing) the old data under the restored one.</summary>
    private static async Task RefuseOtherClientsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // A command that just ended leaves its server process behind for a few milliseconds: look again for a moment
        // before calling a connection "another Maestro". A running one keeps its connections and is still there.
        var deadline = DateTime.UtcNow + OtherClientsGrace;
        while (true)
        {
            var (count, names) = await OtherClientsAsync(connection, transaction, cancellationToken);
            if (count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new MaestroException(
                    $"{count} other connection(s) use this database ({names}): restoring under a running Maestro would mix old and restored data.",
                    "Stop every Maestro server and command that uses it (maestro serve, on every instance), then restore.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    private static async Task<(long Count, string Names)> OtherClientsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        // Within a transaction pg_stat_activity is read once and kept, unless the snapshot is cleared.
        await using (var clear = new NpgsqlCommand("SELECT pg_stat_clear_snapshot()", connection, transaction))
        {
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var others = new NpgsqlCommand("""
            SELECT count(*), coalesce(string_agg(DISTINCT coalesce(nullif(application_name, ''), 'unnamed'), ', '), '')
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            """, connection, transaction);
        await using var reader = await others.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static async Task RefuseNonEmptyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DatabaseCatalog.Table> tables, CancellationToken cancellationToken)
    {
        var held = new List<string>();
        foreach (var table in tables)
        {
            // A fresh Maestro has written only its secret-key check: that does not make the database "not empty".
            var sql = table.Name == "maestro_meta"
                ? "SELECT count(*) FROM maestro_meta WHERE key <> 'secret_key_check'"
                : $"SELECT count(*) FROM {DatabaseCatalog.From(table)}";
            await using var count = new NpgsqlCommand(sql, connection, transaction);
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (rows > 0)
            {
                held.Add($"{rows} in {table.Name}");
            }
        }

        if (held.Count > 0)
        {
            throw new MaestroException(
                $"The database is not empty ({string.Join(", ", held)}); restoring would replace all of it.",
                "Restore into an empty database, or add --replace to overwrite this one (take a `maestro backup` of it first).");
        }
    }
}
