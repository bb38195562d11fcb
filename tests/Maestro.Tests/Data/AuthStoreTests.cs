using System.Text;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Maestro.Tests.Data;

public sealed class AuthStoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "sk-test-0123456789-PLAINTEXT-MARKER";
    private MaestroTestEnvironment _env = null!;
    private IAuthStore _store = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "authstore");
        _store = _env.Services().GetRequiredService<IAuthStore>();
    }

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Stores_lists_renames_updates_and_deletes()
    {
        var created = await _store.CreateAsync(NewKey("openai", "work"), CancellationToken.None);
        created.Status.ShouldBe(AuthStatus.Active);
        created.Metadata["base_url"].ShouldBe("https://proxy.example.com");

        (await _store.FindWithCredentialsAsync("openai", "work", CancellationToken.None))!.Credentials.ApiKey.ShouldBe(Key);
        (await _store.ListAsync("openai", CancellationToken.None)).Select(a => a.Name).ShouldBe(["work"]);

        var renamed = await _store.RenameAsync(created.Id, "personal", CancellationToken.None);
        renamed.Name.ShouldBe("personal");
        (await _store.FindAsync("openai", "work", CancellationToken.None)).ShouldBeNull();

        var updated = await _store.UpdateAsync(created.Id, new AuthUpdate
        {
            Credentials = new AuthCredentials { ApiKey = "sk-new-key-value-000000" },
            Status = AuthStatus.NeedsRelogin,
            StatusMessage = "refresh token revoked",
        }, CancellationToken.None);
        updated.Status.ShouldBe(AuthStatus.NeedsRelogin);
        updated.StatusMessage.ShouldBe("refresh token revoked");
        (await _store.GetWithCredentialsAsync(created.Id, CancellationToken.None))!.Credentials.ApiKey.ShouldBe("sk-new-key-value-000000");

        (await _store.DeleteAsync(created.Id, CancellationToken.None)).ShouldBeTrue();
        (await _store.ListAsync(null, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Duplicate_names_per_provider_conflict_but_other_providers_may_reuse_them()
    {
        await _store.CreateAsync(NewKey("anthropic", "dup"), CancellationToken.None);
        await _store.CreateAsync(NewKey("gemini", "dup"), CancellationToken.None);

        var error = await Should.ThrowAsync<ConflictException>(() => _store.CreateAsync(NewKey("anthropic", "dup"), CancellationToken.None));
        error.Field.ShouldBe("name");
        error.Message.ShouldContain("'dup' already exists for provider 'anthropic'");
    }

    [Fact]
    public async Task The_raw_table_never_contains_the_plaintext_key()
    {
        await _store.CreateAsync(NewKey("anthropic", "raw_scan"), CancellationToken.None);

        await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
        await using var command = new NpgsqlCommand("SELECT * FROM auths", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = 0;
        var needle = Encoding.UTF8.GetBytes(Key);
        while (await reader.ReadAsync())
        {
            rows++;
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                var bytes = value is byte[] b ? b : Encoding.UTF8.GetBytes(value.ToString() ?? "");
                bytes.AsSpan().IndexOf(needle).ShouldBe(-1, $"column {reader.GetName(i)} holds the key in plaintext");
            }
        }

        rows.ShouldBe(1);
    }

    [Fact]
    public async Task A_ciphertext_copied_to_another_row_does_not_decrypt()
    {
        var a = await _store.CreateAsync(NewKey("openai", "copy_a"), CancellationToken.None);
        var b = await _store.CreateAsync(NewKey("openai", "copy_b") with { Credentials = new AuthCredentials { ApiKey = "other-key-0000000000" } }, CancellationToken.None);

        await using (var connection = await postgres.OpenAsync(_env.DatabaseUrl))
        await using (var command = new NpgsqlCommand("UPDATE auths SET credentials = (SELECT credentials FROM auths WHERE id = $1) WHERE id = $2", connection))
        {
            command.Parameters.AddWithValue(a.Id);
            command.Parameters.AddWithValue(b.Id);
            await command.ExecuteNonQueryAsync();
        }

        var error = await Should.ThrowAsync<SecretKeyException>(() => _store.GetWithCredentialsAsync(b.Id, CancellationToken.None));
        error.Message.ShouldContain("openai/copy_b");
    }

    [Fact]
    public async Task Exclusive_lock_serialises_holders_and_each_sees_the_previous_write()
    {
        var auth = await _store.CreateAsync(NewKey("openai", "locked"), CancellationToken.None);
        var secondStore = (await Task.FromResult(_env.Services())).GetRequiredService<IAuthStore>();
        var inside = 0;
        var maxInside = 0;

        async Task<string?> Bump(IAuthStore store) => await store.WithExclusiveLockAsync(auth.Id, async (stored, ct) =>
        {
            maxInside = Math.Max(maxInside, Interlocked.Increment(ref inside));
            await Task.Delay(50, ct);
            Interlocked.Decrement(ref inside);
            var next = stored.Credentials with { ApiKey = stored.Credentials.ApiKey + "+" };
            return (new AuthUpdate { Credentials = next }, stored.Credentials.ApiKey);
        }, CancellationToken.None);

        var seen = await Task.WhenAll(Bump(_store), Bump(secondStore), Bump(_store), Bump(secondStore));

        maxInside.ShouldBe(1);
        seen.Distinct().Count().ShouldBe(4, "every holder must read what the previous one wrote");
        (await _store.GetWithCredentialsAsync(auth.Id, CancellationToken.None))!.Credentials.ApiKey.ShouldBe(Key + "++++");
    }

    private static NewAuth NewKey(string provider, string name) => new(
        provider, name, AuthType.ApiKey, new AuthCredentials { ApiKey = Key },
        new Dictionary<string, string> { ["base_url"] = "https://proxy.example.com" });
}
