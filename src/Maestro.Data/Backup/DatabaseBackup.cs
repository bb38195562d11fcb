using System.Data;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Maestro.Core;
using Maestro.Core.Errors;
using Maestro.Data.Migrations;
using Maestro.Data.Secrets;
using Npgsql;

namespace Maestro.Data.Backup;

/// <summary>
/// Writes a consistent snapshot of the whole database (<see cref="BackupFormat"/>) while Maestro keeps running: one
/// REPEATABLE READ, READ ONLY transaction sees every table as of the same instant, so a turn that streams meanwhile is
/// in the backup as it was at that instant, with its messages and its turn row agreeing. Writers are never blocked.
/// </summary>
public sealed class DatabaseBackup(NpgsqlDataSource dataSource, TimeProvider time)
{
    private const int ProgressEvery = 2000;

    public async Task<BackupManifest> WriteAsync(Stream destination, Action<BackupProgress>? progress, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
        {
            await readOnly.ExecuteNonQueryAsync(cancellationToken);
        }

        var migrations = (await Migrator.ReadStatusAsync(connection, cancellationToken)).Applied
            .Select(m => new BackupMigration(m.Version, m.Name, m.Checksum, m.AppliedAt)).ToList();
        if (migrations.Count == 0)
        {
            throw new MaestroException("The database holds no Maestro data yet (it has no schema): there is nothing to back up.",
                "Check DATABASE_URL or MAESTRO_HOME: they may point at another database than the one you use.");
        }

        var tables = await DatabaseCatalog.TablesAsync(connection, transaction, cancellationToken);
        var counted = new List<BackupTable>(tables.Count);
        foreach (var table in tables)
        {
            counted.Add(new BackupTable(table.Name, table.Columns, await DatabaseCatalog.CountRowsAsync(connection, transaction, table, cancellationToken)));
        }

        var manifest = new BackupManifest(
            BackupFormat.Name,
            BackupFormat.Version,
            MaestroVersion.Version,
            MaestroVersion.Commit,
            time.GetUtcNow(),
            connection.PostgreSqlVersion.ToString(),
            migrations.Count == 0 ? 0 : migrations.Max(m => m.Version),
            migrations,
            SecretKeyUsage.ByKey(await SecretKeyUsage.ReadAsync(connection, transaction, cancellationToken)),
            counted);

        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using var writer = new StreamWriter(gzip, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
        await writer.WriteLineAsync(JsonSerializer.Serialize(manifest, BackupJsonContext.Default.BackupManifest));

        var rows = new Dictionary<string, long>(StringComparer.Ordinal);
        long done = 0;
        for (var i = 0; i < tables.Count; i++)
        {
            var table = tables[i];
            var expected = counted[i].Rows;
            progress?.Invoke(new BackupProgress(table.Name, 0, expected, done, manifest.TotalRows));
            await writer.WriteLineAsync(JsonSerializer.Serialize(new BackupSection(table.Name), BackupJsonContext.Default.BackupSection));
            long tableDone = 0;
            using (var copy = await connection.BeginTextExportAsync(
                $"COPY (SELECT {DatabaseCatalog.ColumnList(table.Columns)} FROM {DatabaseCatalog.From(table)}) TO STDOUT", cancellationToken))
            {
                while (await copy.ReadLineAsync(cancellationToken) is { } line)
                {
                    await writer.WriteLineAsync(line);
                    tableDone++;
                    if (tableDone % ProgressEvery == 0)
                    {
                        progress?.Invoke(new BackupProgress(table.Name, tableDone, expected, done + tableDone, manifest.TotalRows));
                    }
                }
            }

            await writer.WriteLineAsync(BackupFormat.EndOfRows);
            done += tableDone;
            rows[table.Name] = tableDone;
            progress?.Invoke(new BackupProgress(table.Name, tableDone, expected, done, manifest.TotalRows, TableFinished: true));
        }

        var end = new BackupEnd(await DatabaseCatalog.SequencesAsync(connection, transaction, cancellationToken), rows);
        await writer.WriteLineAsync(JsonSerializer.Serialize(end, BackupJsonContext.Default.BackupEnd));
        await writer.FlushAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return manifest;
    }
}
