using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data.Migrations;

/// <summary>
/// Applies the versioned SQL files in Migrations/Sql (NNNN_name.sql) in order, each in its own transaction, under a
/// PostgreSQL advisory lock so that several instances starting together apply each migration exactly once.
/// </summary>
public static class Migrator
{
    // An arbitrary constant shared by every Maestro instance ("maestro" in ASCII).
    private const long AdvisoryLockKey = 0x6D61657374726F;

    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    public static IReadOnlyList<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Maestro.Data.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file[..underscore], System.Globalization.CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    public static async Task<int> MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken)
    {
        var migrations = Load();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock($1)", AdvisoryLockKey, cancellationToken);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, null, cancellationToken);

            var applied = new Dictionary<int, string>();
            await using (var read = new NpgsqlCommand("SELECT version, checksum FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied[reader.GetInt32(0)] = reader.GetString(1);
                }
            }

            var newest = migrations.Count == 0 ? 0 : migrations[^1].Version;
            if (applied.Keys.Any(v => v > newest))
            {
                throw new MaestroException(
                    $"The database schema (version {applied.Keys.Max()}) is newer than this Maestro knows (version {newest}).",
                    "Upgrade Maestro, or point DATABASE_URL at another database.");
            }

            var count = 0;
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        logger.LogWarning("Migration {Version} ({Name}) was changed after it was applied; the database keeps the applied version.", migration.Version, migration.Name);
                    }

                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", connection, transaction))
                {
                    record.Parameters.AddWithValue(migration.Version);
                    record.Parameters.AddWithValue(migration.Name);
                    record.Parameters.AddWithValue(migration.Checksum);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                logger.LogInformation("Applied migration {Version} ({Name})", migration.Version, migration.Name);
                count++;
            }

            return count;
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock($1)", AdvisoryLockKey, CancellationToken.None);
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, long? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            command.Parameters.AddWithValue(parameter.Value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
