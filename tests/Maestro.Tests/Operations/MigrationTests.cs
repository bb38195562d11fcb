using System.Globalization;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Data.Migrations;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Maestro.Tests.Operations;

/// <summary>Upgrades: `maestro migrate [--status]`, the guard against an older binary, and all-or-nothing migrations.</summary>
public sealed class MigrationTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Status_lists_pending_then_applied_and_migrate_applies_them_on_purpose()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "migstatus");
        var latest = Migrator.SchemaVersion.ToString("D4", CultureInfo.InvariantCulture);

        var before = await CliRunner.RunAsync(env, "migrate", "--status", "--json");
        before.ExitCode.ShouldBe(0, before.ToString());
        using (var json = JsonDocument.Parse(before.Stdout))
        {
            json.RootElement.GetProperty("database_version").GetInt32().ShouldBe(0);
            json.RootElement.GetProperty("binary_version").GetInt32().ShouldBe(Migrator.SchemaVersion);
            json.RootElement.GetProperty("migrations").EnumerateArray().Select(m => m.GetProperty("state").GetString()).ShouldAllBe(s => s == "pending");
        }

        var table = await CliRunner.RunAsync(env, "migrate", "--status");
        table.Stdout.ShouldContain(latest);
        table.Stdout.ShouldContain("pending");
        table.Stdout.ShouldContain("run `maestro migrate`");

        var migrate = await CliRunner.RunAsync(env, "migrate");
        migrate.ExitCode.ShouldBe(0, migrate.ToString());
        migrate.Stdout.ShouldContain($"Applied {Migrator.Load()[^1].Label}");
        migrate.Stdout.ShouldContain($"schema version {Migrator.SchemaVersion}");

        var again = await CliRunner.RunAsync(env, "migrate");
        again.Stdout.ShouldContain("Nothing to do");

        var after = await CliRunner.RunAsync(env, "migrate", "--status");
        after.Stdout.ShouldContain("Up to date.");
        after.Stdout.ShouldNotContain("pending");
    }

    [Fact]
    public async Task With_auto_migration_off_a_start_with_pending_migrations_is_refused_until_migrate_runs()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "migmanual");
        env.Settings["MAESTRO_AUTO_MIGRATE"] = "0";

        var refused = await CliRunner.RunAsync(env, "auth", "list");
        refused.ExitCode.ShouldBe(1);
        refused.Stderr.ShouldContain("pending, and MAESTRO_AUTO_MIGRATE is off");
        refused.Stderr.ShouldContain("maestro migrate");

        (await CliRunner.RunAsync(env, "migrate")).ExitCode.ShouldBe(0);
        var works = await CliRunner.RunAsync(env, "auth", "list", "--json");
        works.ExitCode.ShouldBe(0, works.ToString());
    }

    [Fact]
    public async Task A_database_upgraded_by_a_newer_maestro_is_refused_by_serve_and_by_commands_with_the_reason()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "mignewer");
        (await CliRunner.RunAsync(env, "migrate")).ExitCode.ShouldBe(0);
        await using (var connection = await postgres.OpenAsync(env.DatabaseUrl))
        await using (var mark = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, checksum) VALUES (9999, 'from_the_future', 'x')", connection))
        {
            await mark.ExecuteNonQueryAsync();
        }

        var command = await CliRunner.RunAsync(env, "session", "list");
        command.ExitCode.ShouldBe(1);
        command.Stderr.ShouldContain($"The database schema (version 9999) is newer than this Maestro knows (version {Migrator.SchemaVersion})");
        command.Stderr.ShouldContain("9999_from_the_future");
        command.Stderr.ShouldNotContain("   at ");

        await using var serve = CliProcess.Start(env.Settings, "serve", "--port", CliProcess.FreePort().ToString(CultureInfo.InvariantCulture));
        (await serve.WaitForExitAsync()).ShouldBe(1);
        serve.Output.ShouldContain("is newer than this Maestro knows");
        serve.Output.ShouldNotContain("Maestro is running");

        var status = await CliRunner.RunAsync(env, "migrate", "--status");
        status.ExitCode.ShouldBe(0, status.ToString());
        status.Stdout.ShouldContain("unknown here");
        status.Stdout.ShouldContain("A newer Maestro upgraded this database");

        var migrate = await CliRunner.RunAsync(env, "migrate");
        migrate.ExitCode.ShouldBe(1);
        migrate.Stderr.ShouldContain("is newer than this Maestro knows");
    }

    [Fact]
    public async Task A_failing_migration_leaves_the_database_exactly_as_it_was_and_says_which_one_failed()
    {
        var url = await postgres.CreateDatabaseAsync("migfail");
        await using var dataSource = NpgsqlDataSource.Create(url);
        var real = Migrator.Load();
        await Migrator.MigrateAsync(dataSource, real, NullLogger.Instance, apply: true, CancellationToken.None);

        // Its first statements succeed; the last one fails: none of them may remain.
        var broken = new Migrator.Migration(real[^1].Version + 1, "broken", """
            CREATE TABLE half_done (id int PRIMARY KEY);
            INSERT INTO half_done VALUES (1);
            ALTER TABLE auths ADD COLUMN half_done_flag boolean;
            SELECT 1 / 0;
            """);
        var error = await Should.ThrowAsync<MaestroException>(() =>
            Migrator.MigrateAsync(dataSource, [.. real, broken], NullLogger.Instance, apply: true, CancellationToken.None));

        error.Message.ShouldContain($"Migration {broken.Label} failed: division by zero");
        error.Message.ShouldContain($"left as it was before it (schema version {real[^1].Version})");
        await using var connection = await dataSource.OpenConnectionAsync();
        await using (var table = new NpgsqlCommand("SELECT to_regclass('half_done') IS NULL", connection))
        {
            ((bool)(await table.ExecuteScalarAsync())!).ShouldBeTrue();
        }

        await using (var column = new NpgsqlCommand("SELECT count(*) FROM information_schema.columns WHERE table_name = 'auths' AND column_name = 'half_done_flag'", connection))
        {
            ((long)(await column.ExecuteScalarAsync())!).ShouldBe(0);
        }

        (await Migrator.ReadStatusAsync(connection, CancellationToken.None)).DatabaseVersion.ShouldBe(real[^1].Version);

        // The lock was released: a fixed migration applies on the next start.
        var fixedMigration = broken with { Sql = "CREATE TABLE half_done (id int PRIMARY KEY);" };
        (await Migrator.MigrateAsync(dataSource, [.. real, fixedMigration], NullLogger.Instance, apply: true, CancellationToken.None)).ShouldBe(1);
    }
}
