using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Configuration;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Data.Secrets;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Maestro.Tests.Operations;

/// <summary>`maestro secrets status|rotate`: every stored secret moves to a new key, resumably, the old key readable until done.</summary>
public sealed class SecretRotationTests(PostgresFixture postgres)
{
    private const int ManySecrets = 3000;

    [Fact]
    public async Task Every_registered_column_holds_ciphertexts_that_decrypt_with_its_registered_purpose()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "registry");
        var services = env.Services();
        await StoredSecrets.CreateOneOfEachAsync(services, "reg");
        var dataSource = await services.GetRequiredService<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);

        var counts = await StoredSecrets.DecryptAllAsync(dataSource, services.GetRequiredService<ISecretProtector>());

        // A column added to the registry needs a row here too (extend CreateOneOfEachAsync), so its purpose is checked.
        foreach (var column in EncryptedColumns.All)
        {
            counts[column.Name].ShouldBeGreaterThan(0, column.Name);
        }
    }

    [Fact]
    public async Task A_rotation_cancelled_halfway_keeps_its_batches_and_resumes_until_no_secret_uses_the_old_key()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "rotatecancel");
        var services = env.Services();
        var oldKey = SecretKey.Parse(env.SecretKey, "test");
        await StoredSecrets.CreateOneOfEachAsync(services, "rc");
        var dataSource = await services.GetRequiredService<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);
        await StoredSecrets.InsertAuthsAsync(dataSource, services.GetRequiredService<ISecretProtector>(), ManySecrets);
        var total = (await StoredSecrets.KeyUsageAsync(dataSource))[oldKey.Id];
        total.ShouldBe(ManySecrets + 4);

        var newKey = SecretKey.Generate();
        var rotating = new AesGcmSecretProtector(newKey, [oldKey]);
        using var halfway = new CancellationTokenSource();
        var reported = new List<RotationProgress>();
        await Should.ThrowAsync<OperationCanceledException>(() => new SecretRotation(dataSource, rotating).RotateAsync(100, p =>
        {
            reported.Add(p);
            if (p.Done >= total / 2)
            {
                halfway.Cancel();
            }
        }, halfway.Token));

        var between = await StoredSecrets.KeyUsageAsync(dataSource);
        between[newKey.Id].ShouldBe(reported[^1].Done);
        between[oldKey.Id].ShouldBe(total - reported[^1].Done);
        reported.Select(p => p.Done).ShouldBeInOrder();
        // Meanwhile both kinds decrypt: the old key stays accepted until the rotation finishes.
        await StoredSecrets.DecryptAllAsync(dataSource, rotating);

        var resumed = await new SecretRotation(dataSource, rotating).RotateAsync(100, null, CancellationToken.None);

        resumed.ShouldBe(total - reported[^1].Done);
        (await StoredSecrets.KeyUsageAsync(dataSource)).ShouldBe(new Dictionary<string, long> { [newKey.Id] = total });
        var decrypted = await StoredSecrets.DecryptAllAsync(dataSource, new AesGcmSecretProtector(newKey));
        decrypted.Values.Sum().ShouldBe(total);
        await using (var keyIds = dataSource.CreateCommand("SELECT count(*) FROM auths WHERE key_id <> $1"))
        {
            keyIds.Parameters.AddWithValue(newKey.Id);
            ((long)(await keyIds.ExecuteScalarAsync())!).ShouldBe(0);
        }

        // Maestro itself, given only the new key, starts (the key check was rotated too) and reads every kind of secret.
        env.Settings["MAESTRO_SECRET_KEY"] = newKey.ToBase64();
        var after = env.Services();
        (await after.GetRequiredService<AuthService>().GetWithCredentialsAsync(AuthRef.Parse("anthropic/bulk-01234"), CancellationToken.None))
            .Credentials.ApiKey.ShouldBe("sk-bulk-01234-0123456789");
        (await after.GetRequiredService<McpService>().GetAsync("rc-tools", CancellationToken.None)).Env["TOKEN"].ShouldBe(StoredSecrets.McpToken);
    }

    [Fact]
    public async Task With_MAESTRO_SECRET_KEY_the_operator_gives_the_new_key_and_status_shows_each_key_at_every_step()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "rotateenv");
        await StoredSecrets.CreateOneOfEachAsync(env.Services(), "re");
        var oldId = SecretKey.Parse(env.SecretKey, "test").Id;

        var before = await CliRunner.RunAsync(env, "secrets", "status", "--json");
        before.ExitCode.ShouldBe(0, before.ToString());
        using (var json = JsonDocument.Parse(before.Stdout))
        {
            json.RootElement.GetProperty("current_key_id").GetString().ShouldBe(oldId);
            json.RootElement.GetProperty("source").GetString().ShouldBe("MAESTRO_SECRET_KEY");
            var key = json.RootElement.GetProperty("keys").EnumerateArray().Single();
            key.GetProperty("secrets").GetInt64().ShouldBe(4);
            key.GetProperty("columns").GetProperty("auths.credentials").GetInt64().ShouldBe(1);
        }

        var nothing = await CliRunner.RunAsync(env, "secrets", "rotate");
        nothing.ExitCode.ShouldBe(0, nothing.ToString());
        nothing.Stdout.ShouldContain("Nothing to rotate");

        // The new key alone cannot read what the old one wrote: status says which key is missing.
        var newKey = SecretKey.Generate();
        env.Settings["MAESTRO_SECRET_KEY"] = newKey.ToBase64();
        var missing = await CliRunner.RunAsync(env, "secrets", "status");
        missing.ExitCode.ShouldBe(0, missing.ToString());
        missing.Stdout.ShouldContain($"{oldId}");
        missing.Stdout.ShouldContain("unknown: not configured");
        var refused = await CliRunner.RunAsync(env, "secrets", "rotate");
        refused.ExitCode.ShouldBe(1);
        refused.Stderr.ShouldContain($"encrypted with key {oldId}");

        env.Settings["MAESTRO_SECRET_KEY_PREVIOUS"] = env.SecretKey;
        var pending = await CliRunner.RunAsync(env, "secrets", "status");
        pending.Stdout.ShouldContain("previous (decrypts only)");
        pending.Stdout.ShouldContain("4 secret(s) still use an older key");

        var rotate = await CliRunner.RunAsync(env, "secrets", "rotate");
        rotate.ExitCode.ShouldBe(0, rotate.ToString());
        rotate.Stdout.ShouldContain("Re-encrypted 4 secret(s)");
        rotate.Stdout.ShouldContain($"now uses key {newKey.Id}");
        rotate.Stdout.ShouldContain("MAESTRO_SECRET_KEY_PREVIOUS");

        env.Settings.Remove("MAESTRO_SECRET_KEY_PREVIOUS");
        var done = await CliRunner.RunAsync(env, "secrets", "status");
        done.ExitCode.ShouldBe(0, done.ToString());
        done.Stdout.ShouldContain($"Every stored secret uses the current key {newKey.Id}");
        (await CliRunner.RunAsync(env, "auth", "show", "openai/re-key")).ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task In_embedded_mode_a_killed_rotation_resumes_and_a_running_instance_follows_the_key_file()
    {
        var home = TestHome.Create("rotatekill");
        var settings = new Dictionary<string, string?> { ["MAESTRO_HOME"] = home, ["MAESTRO_PG_NO_FSYNC"] = "1" };
        try
        {
            var add = await CliRunner.RunAsync(settings, ["auth", "add", "anthropic", "first", "--api-key-stdin"], "sk-ant-embedded-0123456789abcdef\n");
            add.ExitCode.ShouldBe(0, add.ToString());
            var keyFile = Path.Combine(home, SecretKeyProvider.FileName);
            var oldKey = SecretKeyFile.Read(keyFile).Single();

            // This process stands for a `maestro serve` that runs throughout, on the same cluster and key file.
            await using var running = BuildServices(settings);
            var dataSource = await running.GetRequiredService<MaestroDatabase>().GetDataSourceAsync(CancellationToken.None);
            await StoredSecrets.InsertAuthsAsync(dataSource, running.GetRequiredService<ISecretProtector>(), ManySecrets);
            var total = (await StoredSecrets.KeyUsageAsync(dataSource))[oldKey.Id];

            // Hold one row in the middle: the rotation commits the batches before it, then waits on it — there it dies.
            await using var blocker = await dataSource.OpenConnectionAsync();
            await using var hold = await blocker.BeginTransactionAsync();
            // (OFFSET would lock every row it skips: find the row first, then lock only it.)
            await using (var lockRow = new NpgsqlCommand(
                "SELECT id FROM auths WHERE id = (SELECT id FROM auths ORDER BY id OFFSET 1500 LIMIT 1) FOR UPDATE", blocker, hold))
            {
                await lockRow.ExecuteScalarAsync();
            }

            await using (var rotate = CliProcess.Start(settings, "secrets", "rotate", "--batch-size", "50"))
            {
                await rotate.WaitForOutputAsync("Re-encrypted");
                await WaitUntilBlockedAsync(dataSource);
                rotate.Kill();
            }

            await hold.RollbackAsync();
            var keys = SecretKeyFile.Read(keyFile);
            keys.Count.ShouldBe(2);
            keys[1].Id.ShouldBe(oldKey.Id);
            var newId = keys[0].Id;
            var between = await StoredSecrets.KeyUsageAsync(dataSource);
            between[newId].ShouldBeGreaterThanOrEqualTo(1500);
            between[oldKey.Id].ShouldBeGreaterThan(0);

            var resumed = await CliRunner.RunAsync(settings, ["secrets", "rotate"]);
            resumed.ExitCode.ShouldBe(0, resumed.ToString());
            resumed.Stdout.ShouldContain($"Resuming the rotation to key {newId}");
            resumed.Stdout.ShouldContain("was removed from");

            SecretKeyFile.Read(keyFile).Select(k => k.Id).ShouldBe([newId]);
            (await StoredSecrets.KeyUsageAsync(dataSource)).ShouldBe(new Dictionary<string, long> { [newId] = total });
            // The instance that ran all along reads the re-encrypted secrets and writes new ones with the new key.
            var protector = running.GetRequiredService<ISecretProtector>();
            protector.CurrentKeyId.ShouldBe(newId);
            (await StoredSecrets.DecryptAllAsync(dataSource, protector)).Values.Sum().ShouldBe(total);
            var auths = running.GetRequiredService<AuthService>();
            (await auths.GetWithCredentialsAsync(AuthRef.Parse("anthropic/first"), CancellationToken.None)).Credentials.ApiKey.ShouldBe("sk-ant-embedded-0123456789abcdef");
            await auths.CreateApiKeyAsync("openai", "after", "sk-after-rotation-0123456789", null, CancellationToken.None);
            (await StoredSecrets.KeyUsageAsync(dataSource)).Keys.ShouldBe([newId]);
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public void The_key_file_protector_follows_the_file_when_a_rotation_replaces_it()
    {
        var home = TestHome.Create("keyfile");
        try
        {
            var protector = SecretKeyProvider.Create(_ => null, new MaestroHome(home), embeddedDatabase: true);
            var path = Path.Combine(home, SecretKeyProvider.FileName);
            var oldKey = SecretKeyFile.Read(path).Single();
            var oldCipher = protector.Protect("old"u8, "p");

            var newKey = SecretKey.Generate();
            SecretKeyFile.Write(path, [newKey, oldKey]);
            protector.CurrentKeyId.ShouldBe(newKey.Id);
            protector.KeyIds.ShouldBe([newKey.Id, oldKey.Id]);
            AesGcmSecretProtector.KeyIdOf(protector.Protect("new"u8, "p")).ShouldBe(newKey.Id);
            protector.Unprotect(oldCipher, "p").ShouldBe("old"u8.ToArray());

            SecretKeyFile.Write(path, [newKey]);
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var error = Should.Throw<SecretKeyException>(() => protector.Unprotect(oldCipher, "p"));
            error.Message.ShouldContain($"encrypted with key {oldKey.Id}");
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        Maestro.Web.Hosting.MaestroServices.AddMaestro(services, configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Until the rotation's batch waits on the row this test holds.</summary>
    private static async Task WaitUntilBlockedAsync(NpgsqlDataSource dataSource)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var waiting = dataSource.CreateCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FOR UPDATE%' AND query LIKE '%auths%'");
            if ((long)(await waiting.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The rotation never reached the locked row.");
            }

            await Task.Delay(50);
        }
    }
}
