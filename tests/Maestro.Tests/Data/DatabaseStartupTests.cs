using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Data.Connection;
using Maestro.Data.Migrations;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Maestro.Tests.Data;

public sealed class DatabaseStartupTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Two_instances_starting_together_both_come_up_and_migrate_once()
    {
        var url = await postgres.CreateDatabaseAsync("race");
        var key = SecretKey.Generate();
        await using var a = new MaestroDatabase(new DatabaseOptions { DatabaseUrl = url, Home = "/tmp" }, new AesGcmSecretProtector(key), NullLoggerFactory.Instance);
        await using var b = new MaestroDatabase(new DatabaseOptions { DatabaseUrl = url, Home = "/tmp" }, new AesGcmSecretProtector(key), NullLoggerFactory.Instance);

        await Task.WhenAll(a.GetDataSourceAsync(CancellationToken.None).AsTask(), b.GetDataSourceAsync(CancellationToken.None).AsTask());

        await using var connection = await postgres.OpenAsync(url);
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT version) FROM schema_migrations", connection);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        reader.GetInt64(0).ShouldBe(Migrator.Load().Count);
        reader.GetInt64(1).ShouldBe(Migrator.Load().Count);
        (await a.CheckHealthAsync(CancellationToken.None)).Status.ShouldBe("ok");
    }

    [Fact]
    public async Task Starting_with_a_different_secret_key_fails_at_once_with_a_clear_message()
    {
        var url = await postgres.CreateDatabaseAsync("wrongkey");
        await using (var first = new MaestroDatabase(new DatabaseOptions { DatabaseUrl = url, Home = "/tmp" }, new AesGcmSecretProtector(SecretKey.Generate()), NullLoggerFactory.Instance))
        {
            await first.GetDataSourceAsync(CancellationToken.None);
        }

        await using var second = new MaestroDatabase(new DatabaseOptions { DatabaseUrl = url, Home = "/tmp" }, new AesGcmSecretProtector(SecretKey.Generate()), NullLoggerFactory.Instance);
        var error = await Should.ThrowAsync<SecretKeyException>(async () => await second.GetDataSourceAsync(CancellationToken.None));
        error.Message.ShouldContain("encrypted with key");
    }

    [Fact]
    public async Task An_unreachable_database_names_the_host_and_hides_the_password()
    {
        await using var database = new MaestroDatabase(
            new DatabaseOptions { DatabaseUrl = "postgres://u:hunter2pw@127.0.0.1:1/db?connect_timeout=3", Home = "/tmp" },
            new AesGcmSecretProtector(SecretKey.Generate()), NullLoggerFactory.Instance);

        var error = await Should.ThrowAsync<MaestroException>(async () => await database.GetDataSourceAsync(CancellationToken.None));

        error.Message.ShouldContain("127.0.0.1:1");
        error.Message.ShouldNotContain("hunter2pw");
        error.Hint!.ShouldContain("DATABASE_URL");
        var health = await database.CheckHealthAsync(CancellationToken.None);
        health.Status.ShouldBe("error");
    }
}
