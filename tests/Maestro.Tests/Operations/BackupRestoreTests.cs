using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Core.Mcp;
using Maestro.Core.Prompts;
using Maestro.Core.Secrets;
using Maestro.Core.Sessions;
using Maestro.Data.Backup;
using Maestro.Data.Migrations;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Maestro.Tests.Operations;

/// <summary>`maestro backup` while Maestro works, and `maestro restore` into a fresh instance.</summary>
public sealed class BackupRestoreTests(PostgresFixture postgres) : IAsyncLifetime
{
    private readonly string _folder = TestHome.Create("backups");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        TestHome.Delete(_folder);
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_backup_taken_while_a_turn_streams_restores_everything_into_a_fresh_instance_whose_auths_still_work()
    {
        await using var bed = await SessionTestBed.CreateAsync(postgres, "backuplive");
        await using var server = await WebServer.StartAsync(bed.Env);
        var done = await bed.CreateSessionAsync("anthropic", "finished", new SessionSpec { SystemPrompt = "Be terse." });
        bed.Script("anthropic", ScriptedResponse.FromText("A finished answer."));
        (await bed.RunTurnAsync(done, "First question")).Outcome.Status.ToString().ShouldBe("Completed");
        await bed.Get<PromptService>().CreateAsync("reviewer", "persona", "Reviews code", "Review carefully.", CancellationToken.None);
        await bed.Get<PromptService>().AddVersionAsync("reviewer", "Review very carefully.", CancellationToken.None);
        await bed.Get<McpService>().CreateAsync(new McpServerSpec
        {
            Name = "tools",
            Command = "echo",
            Env = new Dictionary<string, string?> { ["TOKEN"] = StoredSecrets.McpToken },
        }, CancellationToken.None);

        // The sign-in password lives in the database (as a hash), so it belongs in the backup.
        var password = await CliRunner.RunAsync(bed.Env.Settings, ["access", "password", "--password-stdin"], "restored sign-in password\n");
        password.ExitCode.ShouldBe(0, password.ToString());
        using var signedIn = await server.SignInAsync("restored sign-in password");

        // A long answer streams while the backup runs.
        await bed.CreateSessionAsync("openai", "live", new SessionSpec { Model = "synthetic:3000@100" });
        (await server.Client.PostAsJsonAsync("/api/sessions/live/turns", new { text = "Tell me a long story" })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await FirstDeltaAsync(server.Client, "live");
        await PartialAnswerStoredAsync(bed, "live");

        var file = Path.Combine(_folder, "live.backup");
        var backup = await CliRunner.RunAsync(bed.Env.Settings, ["backup", file]);
        backup.ExitCode.ShouldBe(0, backup.ToString());
        backup.Stdout.ShouldContain("Backed up");
        backup.Stderr.ShouldContain("messages:");
        File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var running = JsonDocument.Parse(await server.Client.GetStringAsync("/api/sessions/live")))
        {
            // The backup finished while the answer was still streaming.
            running.RootElement.GetProperty("running_turn_id").ValueKind.ShouldBe(JsonValueKind.String);
        }

        var keyId = SecretKey.Parse(bed.Env.SecretKey, "test").Id;
        backup.Stdout.ShouldContain($"needs secret key {keyId}");
        TestContext.Current.TestOutputHelper?.WriteLine(backup.Stdout);

        // A fresh instance with a key of its own cannot read the backup's secrets: nothing is restored, and it says why.
        await using var fresh = await MaestroTestEnvironment.CreateAsync(postgres, "restorelive");
        var wrongKey = await CliRunner.RunAsync(fresh.Settings, ["restore", file]);
        wrongKey.ExitCode.ShouldBe(1);
        wrongKey.Stderr.ShouldContain($"The backup's secrets are encrypted with key {keyId}");
        wrongKey.Stderr.ShouldContain("Nothing was restored");
        wrongKey.Stderr.ShouldContain("MAESTRO_SECRET_KEY");
        // (Unpooled: an idle connection left open would count as a running Maestro for the restore below.)
        await using (var empty = await postgres.OpenAsync(fresh.DatabaseUrl + ";Pooling=false"))
        await using (var tables = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", empty))
        {
            ((long)(await tables.ExecuteScalarAsync())!).ShouldBe(0);
        }

        fresh.Settings["MAESTRO_SECRET_KEY"] = bed.Env.SecretKey;
        var restore = await CliRunner.RunAsync(fresh.Settings, ["restore", file]);
        restore.ExitCode.ShouldBe(0, restore.ToString());
        restore.Stdout.ShouldContain("Restored");
        restore.Stdout.ShouldContain("1 turn(s) were running when the backup was taken");
        TestContext.Current.TestOutputHelper?.WriteLine(restore.Stdout);

        // Everything that existed before the backup is there, row for row.
        foreach (var table in new[] { "auths", "prompts", "prompt_versions", "mcp_servers", "sessions", "threads", "maestro_meta", "access_password" })
        {
            (await DumpAsync(fresh.DatabaseUrl, table)).ShouldBe(await DumpAsync(bed.Env.DatabaseUrl, table), table);
        }

        var finishedMessages = $"thread_id IN (SELECT id FROM threads WHERE session_id = '{done.Id}')";
        (await DumpAsync(fresh.DatabaseUrl, "messages", finishedMessages)).ShouldBe(await DumpAsync(bed.Env.DatabaseUrl, "messages", finishedMessages));

        var restored = fresh.Services();
        var live = await restored.GetRequiredService<SessionService>().GetAsync("live", CancellationToken.None);
        var liveMessages = await restored.GetRequiredService<Maestro.Core.Conversations.ConversationService>().MessagesAsync(live, null, null, null, CancellationToken.None);
        liveMessages.Count.ShouldBe(2);
        liveMessages[1].Status.ToString().ShouldBe("Interrupted");
        var partial = liveMessages[1].Contents.OfType<Microsoft.Extensions.AI.TextContent>().Single().Text;
        partial.ShouldNotBeEmpty();
        (await restored.GetRequiredService<McpService>().GetAsync("tools", CancellationToken.None)).Env["TOKEN"].ShouldBe(StoredSecrets.McpToken);
        (await restored.GetRequiredService<PromptService>().GetAsync("reviewer", CancellationToken.None)).LatestVersion.ShouldBe(2);

        // The restored auth still works with the same key: a chat against the emulator, with the stored API key.
        var chat = await CliRunner.RunAsync(fresh.Settings, ["chat", "anthropic/bed", "Hello after restore"]);
        chat.ExitCode.ShouldBe(0, chat.ToString());
        chat.Stdout.ShouldContain("emulated answer");
        bed.Requests("anthropic").ShouldContain(r => r.BodyText.Contains("Hello after restore", StringComparison.Ordinal));

        // Browser sessions are sign-in state, not data: the restored instance starts with none (a restore signs every
        // browser out), and a browser signs in again with the password set before the backup.
        (await DumpAsync(bed.Env.DatabaseUrl, "browser_sessions")).ShouldNotBeEmpty();
        (await DumpAsync(fresh.DatabaseUrl, "browser_sessions")).ShouldBeEmpty();
        await using (var restoredServer = await WebServer.StartAsync(fresh))
        using (var browser = await restoredServer.SignInAsync("restored sign-in password"))
        {
            (await browser.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // No need to wait for the rest of the story (the turn may have ended meanwhile: then there is nothing to stop).
        using var _ = await server.Client.PostAsync("/api/sessions/live/stop", null);
    }

    [Fact]
    public async Task Restore_refuses_a_database_with_data_unless_replace_and_a_damaged_backup_changes_nothing()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "restorereplace");
        (await CliRunner.RunAsync(env.Settings, ["auth", "add", "anthropic", "kept", "--api-key-stdin"], "sk-ant-kept-0123456789abcdef")).ExitCode.ShouldBe(0);
        var file = Path.Combine(_folder, "replace.backup");
        (await CliRunner.RunAsync(env, "backup", file)).ExitCode.ShouldBe(0);
        var exists = await CliRunner.RunAsync(env, "backup", file);
        exists.ExitCode.ShouldBe(1);
        exists.Stderr.ShouldContain("already exists");
        (await CliRunner.RunAsync(env.Settings, ["auth", "add", "openai", "later", "--api-key-stdin"], "sk-later-0123456789abcdef")).ExitCode.ShouldBe(0);

        var refused = await CliRunner.RunAsync(env, "restore", file);
        refused.ExitCode.ShouldBe(1);
        refused.Stderr.ShouldContain("The database is not empty (2 in auths");
        refused.Stderr.ShouldContain("--replace");

        // Cut off in the middle of the first auth's row, as an interrupted copy would be.
        var truncated = Path.Combine(_folder, "truncated.backup");
        var text = await ReadTextAsync(file);
        var rows = text.IndexOf("{\"table\":\"auths\"}\n", StringComparison.Ordinal) + "{\"table\":\"auths\"}\n".Length;
        await WriteTextAsync(truncated, text[..(rows + 20)]);
        var damaged = await CliRunner.RunAsync(env, "restore", "--replace", truncated);
        damaged.ExitCode.ShouldBe(1);
        damaged.Stderr.ShouldContain("is damaged: the rows of");
        damaged.Stderr.ShouldContain("Nothing was changed");
        (await CliRunner.RunAsync(env, "auth", "show", "openai/later")).ExitCode.ShouldBe(0);

        var notBackup = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(notBackup, "hello");
        (await CliRunner.RunAsync(env, "restore", notBackup)).Stderr.ShouldContain("is not a Maestro backup");

        var replace = await CliRunner.RunAsync(env, "restore", "--replace", file);
        replace.ExitCode.ShouldBe(0, replace.ToString());
        (await CliRunner.RunAsync(env, "auth", "show", "openai/later")).ExitCode.ShouldBe(1);
        var kept = await CliRunner.RunAsync(env, "auth", "show", "anthropic/kept");
        kept.ExitCode.ShouldBe(0, kept.ToString());
        kept.Stdout.ShouldContain("sk-a…cdef");
    }

    [Fact]
    public async Task A_backup_from_an_older_schema_is_restored_then_migrated_and_one_from_a_newer_schema_is_refused()
    {
        var all = Migrator.Load();
        var oldUrl = await postgres.CreateDatabaseAsync("oldschema");
        await using (var old = NpgsqlDataSource.Create(oldUrl))
        {
            await Migrator.MigrateAsync(old, all.Take(all.Count - 1).ToList(), NullLogger.Instance, apply: true, CancellationToken.None);
            await using (var prompt = old.CreateCommand("""
                WITH p AS (INSERT INTO prompts (id, name, kind) VALUES (gen_random_uuid(), 'from-old', 'system') RETURNING id)
                INSERT INTO prompt_versions (prompt_id, version, content) SELECT id, 1, 'Old text' FROM p
                """))
            {
                await prompt.ExecuteNonQueryAsync();
            }

            await using var output = File.Create(Path.Combine(_folder, "old.backup"));
            (await new DatabaseBackup(old, TimeProvider.System).WriteAsync(output, null, CancellationToken.None)).SchemaVersion.ShouldBe(all[^2].Version);
        }

        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "restoreold");
        var restore = await CliRunner.RunAsync(env, "restore", Path.Combine(_folder, "old.backup"));
        restore.ExitCode.ShouldBe(0, restore.ToString());
        restore.Stdout.ShouldContain($"Migrated the restored data from schema version {all[^2].Version} to {all[^1].Version}");
        (await CliRunner.RunAsync(env, "migrate", "--status")).Stdout.ShouldContain("Up to date.");
        (await CliRunner.RunAsync(env, "prompt", "list", "--json")).Stdout.ShouldContain("from-old");

        // The same file, as if written by a Maestro with one more migration than this one.
        var newer = Path.Combine(_folder, "newer.backup");
        await RewriteManifestAsync(Path.Combine(_folder, "old.backup"), newer, manifest =>
            manifest with { MaestroVersion = "9.9.9", Migrations = [.. manifest.Migrations, new BackupMigration(9999, "future", "x", DateTimeOffset.UtcNow)] });
        await using var other = await MaestroTestEnvironment.CreateAsync(postgres, "restorenewer");
        var refused = await CliRunner.RunAsync(other, "restore", newer);
        refused.ExitCode.ShouldBe(1);
        refused.Stderr.ShouldContain("This backup is from a newer Maestro (9.9.9");
        refused.Stderr.ShouldContain("9999_future");
        refused.Stderr.ShouldContain("Restore it with Maestro 9.9.9 or newer");
    }

    /// <summary>Until the session's answer has started streaming.</summary>
    /// <summary>
    /// Partial answers are saved write-behind (every MAESTRO_PERSIST_INTERVAL_MS), with no event of their own: until the
    /// first save, a backup would hold the answer without text. Waits, polling the store, for that first save.
    /// </summary>
    private static async Task PartialAnswerStoredAsync(SessionTestBed bed, string session)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var sessions = bed.Get<SessionService>();
        var conversations = bed.Get<Maestro.Core.Conversations.ConversationService>();
        while (true)
        {
            var s = await sessions.GetAsync(session, timeout.Token);
            var messages = await conversations.MessagesAsync(s, null, null, null, timeout.Token);
            if (messages.Count == 2 && messages[1].Contents.OfType<Microsoft.Extensions.AI.TextContent>().Any(t => t.Text.Length > 0))
            {
                return;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    private static async Task FirstDeltaAsync(HttpClient http, string session)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var e in SseClient.ReadAsync(http, $"/api/sessions/{session}/events", null, timeout.Token))
        {
            if (e.Type == "delta" || (e.Type == "snapshot" && e.Data.TryGetProperty("delta", out var d) && d.GetProperty("text").GetString()!.Length > 0))
            {
                return;
            }
        }
    }

    /// <summary>A table's rows as text, in a stable order, to compare two databases row for row.</summary>
    private async Task<string> DumpAsync(string url, string table, string where = "true")
    {
        await using var connection = await postgres.OpenAsync(url);
        await using var dump = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t WHERE {where}", connection);
        return (string)(await dump.ExecuteScalarAsync())!;
    }

    private static async Task RewriteManifestAsync(string source, string target, Func<BackupManifest, BackupManifest> change)
    {
        var lines = (await ReadTextAsync(source)).Split('\n');
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        lines[0] = JsonSerializer.Serialize(change(JsonSerializer.Deserialize<BackupManifest>(lines[0], options)!), options);
        await WriteTextAsync(target, string.Join('\n', lines));
    }

    private static async Task<string> ReadTextAsync(string backup)
    {
        await using var input = new GZipStream(File.OpenRead(backup), CompressionMode.Decompress);
        using var reader = new StreamReader(input);
        return await reader.ReadToEndAsync();
    }

    private static async Task WriteTextAsync(string backup, string text)
    {
        await using var output = new GZipStream(File.Create(backup), CompressionLevel.Fastest);
        await output.WriteAsync(Encoding.UTF8.GetBytes(text));
    }
}
