using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data.Migrations;

/// <summary>
/// Applies the versioned SQL files in Migrations/Sql (NNNN_name.sql) in order, each in its own transaction, under a
/// PostgreSQL advisory lock so that several instances starting together apply each migration exactly once. Migrations
/// only go forward: a database that has one this binary does not know was upgraded by a newer Maestro, and this one
/// refuses it rather than write to a schema it does not understand.
/// </summary>
public static class Migrator
{
    // An arbitrary constant shared by every Maestro instance ("maestro" in ASCII). Restores take it too.
    internal const long AdvisoryLockKey = 0x6D61657374726F;

    private static readonly Lazy<IReadOnlyList<Migration>> Embedded = new(() => LoadEmbedded());

    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));

        /// <summary>0007_name, as the file is called.</summary>
        public string Label => $"{Version.ToString("D4", CultureInfo.InvariantCulture)}_{Name}";
    }

    /// <summary>The migrations built into this binary, oldest first.</summary>
    public static IReadOnlyList<Migration> Load() => Embedded.Value;

    /// <summary>The newest schema version this binary knows (0 when it has no migrations).</summary>
    public static int SchemaVersion => Load() is { Count: > 0 } all ? all[^1].Version : 0;

    /// <summary>Applies what is pending (or, with <paramref name="apply"/> false, refuses to start when anything is).</summary>
    public static Task<int> MigrateAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken cancellationToken, bool apply = true) =>
        MigrateAsync(dataSource, Load(), logger, apply, cancellationToken);

    /// <summary>Applies <paramref name="migrations"/> (tests inject their own list).</summary>
    public static async Task<int> MigrateAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<Migration> migrations, ILogger logger, bool apply, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock($1)", AdvisoryLockKey, cancellationToken);
        try
        {
            await EnsureTableAsync(connection, null, cancellationToken);
            var status = MigrationStatus.Compare(migrations, await ReadAppliedAsync(connection, cancellationToken));
            if (status.Unknown.Count > 0)
            {
                throw NewerSchema(status);
            }

            foreach (var changed in status.Changed)
            {
                logger.LogWarning("Migration {Label} was changed after it was applied; the database keeps the applied version.", changed.Label);
            }

            if (status.Pending.Count > 0 && !apply)
            {
                throw new MaestroException(
                    $"The database is at schema version {status.DatabaseVersion} and this Maestro needs {status.BinaryVersion}: " +
                    $"{Describe(status.Pending)} {(status.Pending.Count == 1 ? "is" : "are")} pending, and MAESTRO_AUTO_MIGRATE is off.",
                    "Run `maestro migrate` once (from one machine), then start Maestro; or set MAESTRO_AUTO_MIGRATE=1.");
            }

            foreach (var migration in status.Pending)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                try
                {
                    await ApplyAsync(connection, transaction, migration, null, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }
                catch (PostgresException ex)
                {
                    // DDL is transactional in PostgreSQL: the rollback undoes every statement of this migration.
                    await transaction.RollbackAsync(CancellationToken.None);
                    throw new MaestroException(
                        $"Migration {migration.Label} failed: {ex.MessageText}. The database was left as it was before it " +
                        $"(schema version {await CurrentVersionAsync(connection)}).",
                        "Nothing was changed by this migration. Restore the previous Maestro version, or report the error with the message above.",
                        ex);
                }

                logger.LogInformation("Applied migration {Label}", migration.Label);
            }

            return status.Pending.Count;
        }
        finally
        {
            await Execute(connection, "SELECT pg_advisory_unlock($1)", AdvisoryLockKey, CancellationToken.None);
        }
    }

    /// <summary>What is applied and what is pending, without changing anything (`maestro migrate --status`).</summary>
    public static async Task<MigrationStatus> ReadStatusAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
        var applied = (bool)(await exists.ExecuteScalarAsync(cancellationToken))!
            ? await ReadAppliedAsync(connection, cancellationToken)
            : [];
        return MigrationStatus.Compare(Load(), applied);
    }

    /// <summary>
    /// Applies one migration inside the caller's transaction and records it (a restore rebuilds a backup's schema this
    /// way, keeping the original <paramref name="appliedAt"/>).
    /// </summary>
    internal static async Task ApplyAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Migration migration, DateTimeOffset? appliedAt, CancellationToken cancellationToken)
    {
        await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var record = new NpgsqlCommand(
            "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, coalesce($4, now()))", connection, transaction);
        record.Parameters.AddWithValue(migration.Version);
        record.Parameters.AddWithValue(migration.Name);
        record.Parameters.AddWithValue(migration.Checksum);
        record.Parameters.Add(new NpgsqlParameter { Value = appliedAt is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task EnsureTableAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using var create = new NpgsqlCommand("""
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """, connection, transaction);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task<List<AppliedMigration>> ReadAppliedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var applied = new List<AppliedMigration>();
        await using var read = new NpgsqlCommand("SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", connection);
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(new AppliedMigration(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return applied;
    }

    public static MaestroException NewerSchema(MigrationStatus status) => new(
        $"The database schema (version {status.DatabaseVersion}) is newer than this Maestro knows (version {status.BinaryVersion}): " +
        $"it was upgraded by a newer Maestro ({string.Join(", ", status.Unknown.Select(u => u.Label))}). " +
        "This Maestro refuses to use it rather than damage data it does not understand.",
        "Run the newer Maestro (or newer), or restore a backup taken before the upgrade into another database.");

    internal static string Describe(IEnumerable<Migration> migrations)
    {
        var labels = migrations.Select(m => m.Label).ToList();
        return labels.Count == 1 ? $"migration {labels[0]}" : $"migrations {string.Join(", ", labels)}";
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_migrations", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Maestro.Data.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var file = resource[prefix.Length..^".sql".Length];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file[..underscore], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
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
