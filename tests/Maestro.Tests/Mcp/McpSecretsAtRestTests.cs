using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Maestro.Core.Mcp;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Data.Mcp;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Maestro.Tests.Mcp;

/// <summary>
/// An MCP server's command line and URL are secrets: encrypted at rest as a whole (no trace in the database's files,
/// nor in its WAL), shown redacted by the API, the UI and the CLI, and an edit made from what was shown keeps them.
/// </summary>
public sealed class McpSecretsAtRestTests(PostgresFixture postgres) : IAsyncLifetime
{
    // Unique per run, so a scan of files the whole test run shares can only find this test's own writes.
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private MaestroTestEnvironment _env = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    private string ArgToken => $"argtok-{_run}";

    private string EqualsKey => $"eqkey-{_run}";

    private string UrlPassword => $"urlpw-{_run}";

    private string QueryKey => $"qkey-{_run}";

    private string RemotePassword => $"rpw-{_run}";

    private string RemoteToken => $"rtok-{_run}";

    private string EnvValue => $"envval-{_run}";

    private string[] Secrets => [ArgToken, EqualsKey, UrlPassword, QueryKey, RemotePassword, RemoteToken, EnvValue];

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "mcpsecrets");
        _server = await WebServer.StartAsync(_env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _env.DisposeAsync();
    }

    [Fact]
    public async Task Command_lines_and_urls_are_redacted_everywhere_kept_by_edits_and_absent_from_the_database_files()
    {
        var stdio = await Http.PostAsJsonAsync("/api/mcp-servers", new
        {
            name = "local",
            command = "/usr/bin/env",
            args = new[] { "--token", ArgToken, $"--api-key={EqualsKey}", $"https://me:{UrlPassword}@mcp.example.com/sse?api_key={QueryKey}&mode=fast", "--verbose" },
            env = new Dictionary<string, string> { ["API_TOKEN"] = EnvValue },
        });
        stdio.StatusCode.ShouldBe(HttpStatusCode.Created, await stdio.Content.ReadAsStringAsync());
        var remote = await Http.PostAsJsonAsync("/api/mcp-servers", new { name = "remote", url = $"https://{RemotePassword}@mcp.example.com/mcp?access_token={RemoteToken}&v=2" });
        remote.StatusCode.ShouldBe(HttpStatusCode.Created, await remote.Content.ReadAsStringAsync());

        // What every surface shows.
        var shown = new List<string> { await stdio.Content.ReadAsStringAsync(), await remote.Content.ReadAsStringAsync() };
        shown.Add(await Http.GetStringAsync("/api/mcp-servers"));
        shown.Add(await Http.GetStringAsync("/api/mcp-servers/local"));
        shown.Add(await Http.GetStringAsync("/mcp"));
        shown.Add(await Http.GetStringAsync("/mcp/local"));
        shown.Add((await CliRunner.RunAsync(_env, "mcp", "list")).ToString());
        shown.Add((await CliRunner.RunAsync(_env, "mcp", "show", "local")).ToString());
        shown.Add((await CliRunner.RunAsync(_env, "mcp", "show", "remote", "--json")).ToString());
        foreach (var text in shown)
        {
            foreach (var secret in Secrets)
            {
                text.ShouldNotContain(secret);
            }
        }

        using (var view = JsonDocument.Parse(await Http.GetStringAsync("/api/mcp-servers/local")))
        {
            view.RootElement.GetProperty("args").EnumerateArray().Select(a => a.GetString()).ShouldBe(
                ["--token", "redacted", "--api-key=redacted", "https://me:redacted@mcp.example.com/sse?api_key=redacted&mode=fast", "--verbose"]);
        }

        using (var view = JsonDocument.Parse(await Http.GetStringAsync("/api/mcp-servers/remote")))
        {
            view.RootElement.GetProperty("url").GetString().ShouldBe("https://redacted@mcp.example.com/mcp?access_token=redacted&v=2");
        }

        // An edit from what was shown: the redacted values stay as they were, the rest changes.
        (await Http.PatchAsJsonAsync("/api/mcp-servers/local", new
        {
            args = new[] { "--token", "redacted", "--api-key=redacted", "https://me:redacted@mcp.example.com/sse?api_key=redacted&mode=slow", "--quiet" },
        })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Http.PatchAsJsonAsync("/api/mcp-servers/remote", new { url = "https://redacted@mcp.example.com/mcp?access_token=redacted&v=3" }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var mcp = _env.Services().GetRequiredService<McpService>();
        (await mcp.GetAsync("local", CancellationToken.None)).Args.ShouldBe(
            ["--token", ArgToken, $"--api-key={EqualsKey}", $"https://me:{UrlPassword}@mcp.example.com/sse?api_key={QueryKey}&mode=slow", "--quiet"]);
        (await mcp.GetAsync("remote", CancellationToken.None)).Url.ShouldBe($"https://{RemotePassword}@mcp.example.com/mcp?access_token={RemoteToken}&v=3");

        // A marker that stands for nothing stored is refused, naming the field.
        var orphan = await Http.PatchAsJsonAsync("/api/mcp-servers/local", new { args = new[] { "--password", "redacted" } });
        orphan.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await orphan.Content.ReadAsStringAsync()).ShouldContain("\"args\"");

        // Nothing in the database's files or its WAL, once everything written is on disk.
        var files = await DatabaseFilesAsync(includeWal: true);
        files.Count.ShouldBeGreaterThan(10);
        FindIn(files, Secrets).ShouldBeEmpty();
    }

    [Fact]
    public async Task Servers_stored_in_plaintext_before_the_upgrade_are_encrypted_at_start_and_leave_the_table_files()
    {
        var secret = $"legacy-{_run}";
        var services = _env.Services();
        var protector = services.GetRequiredService<ISecretProtector>();
        var id = await InsertLegacyServerAsync(secret);

        await using (var dataSource = NpgsqlDataSource.Create(_env.DatabaseUrl))
        {
            (await McpDefinitionUpgrade.RunAsync(dataSource, protector, NullLogger.Instance, CancellationToken.None)).ShouldBe(1);
            (await McpDefinitionUpgrade.RunAsync(dataSource, protector, NullLogger.Instance, CancellationToken.None)).ShouldBe(0);
        }

        var server = await services.GetRequiredService<McpService>().GetAsync("legacy", CancellationToken.None);
        server.Command.ShouldBe("/usr/bin/env");
        server.Args.ShouldBe(["--token", secret]);
        server.Env["A"].ShouldBe("b");
        await using (var connection = await postgres.OpenAsync(_env.DatabaseUrl))
        await using (var columns = new NpgsqlCommand("SELECT command IS NULL AND url IS NULL AND args = '[]'::jsonb FROM mcp_servers WHERE id = $1", connection))
        {
            columns.Parameters.AddWithValue(id);
            (await columns.ExecuteScalarAsync()).ShouldBe(true);
        }

        // The table's files no longer hold it (the WAL written before the upgrade still does, as the docs say).
        var found = FindIn(await DatabaseFilesAsync(includeWal: false), [secret]);
        found.ShouldBeEmpty(await RelationsAsync(found));
    }

    [Fact]
    public async Task The_rewrite_waits_for_a_transaction_begun_before_the_upgrade_in_another_database()
    {
        var secret = $"legacy-other-{_run}";
        var id = await InsertLegacyServerAsync(secret);

        // A transaction in another database of the cluster, holding a transaction id taken before the upgrade: while
        // it runs, every snapshot taken in Maestro's database keeps the row versions the upgrade replaces, so a
        // rewrite made meanwhile would copy the plaintext into the table's new file.
        await using var elsewhere = await postgres.OpenAsync(await postgres.CreateDatabaseAsync("mcpelsewhere"));
        await using var older = await elsewhere.BeginTransactionAsync();
        await using (var xid = new NpgsqlCommand("SELECT pg_current_xact_id()", elsewhere, older))
        {
            await xid.ExecuteScalarAsync();
        }

        await using var dataSource = NpgsqlDataSource.Create(_env.DatabaseUrl);
        var upgrade = McpDefinitionUpgrade.RunAsync(
            dataSource, _env.Services().GetRequiredService<ISecretProtector>(), NullLogger.Instance, CancellationToken.None);
        await Eventually.UntilAsync(
            async () =>
            {
                await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
                await using var moved = new NpgsqlCommand("SELECT command IS NULL FROM mcp_servers WHERE id = $1", connection);
                moved.Parameters.AddWithValue(id);
                return (bool)(await moved.ExecuteScalarAsync())!;
            },
            "the upgrade to commit the encrypted definition");

        // The definition is moved; the rewrite waits for the older transaction (up to 10 s), not just for this database's.
        upgrade.IsCompleted.ShouldBeFalse();
        await older.CommitAsync();
        (await upgrade).ShouldBe(1);

        var found = FindIn(await DatabaseFilesAsync(includeWal: false), [secret]);
        found.ShouldBeEmpty(await RelationsAsync(found));
    }

    /// <summary>An MCP server row as migration 3 wrote it: command, args and URL in columns, only env and headers encrypted.</summary>
    private async Task<Guid> InsertLegacyServerAsync(string secret)
    {
        var protector = _env.Services().GetRequiredService<ISecretProtector>();
        var id = Guid.CreateVersion7();
        await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO mcp_servers (id, name, transport, command, args, secrets, key_id)
            VALUES ($1, 'legacy', 'stdio', '/usr/bin/env', $2::jsonb, $3, $4)
            """, connection);
        insert.Parameters.AddWithValue(id);
        insert.Parameters.AddWithValue(JsonSerializer.Serialize(new[] { "--token", secret }));
        insert.Parameters.AddWithValue(protector.Protect(Encoding.UTF8.GetBytes("""{"env":{"A":"b"},"headers":{}}"""), $"mcp:{id}"));
        insert.Parameters.AddWithValue(protector.CurrentKeyId);
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>This test database's files in the shared test cluster (and the cluster's WAL), after a CHECKPOINT.</summary>
    private async Task<List<string>> DatabaseFilesAsync(bool includeWal)
    {
        await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }

        await using var oid = new NpgsqlCommand("SELECT oid FROM pg_database WHERE datname = current_database()", connection);
        var dataDirectory = postgres.Cluster.DataDirectory;
        var files = Directory.GetFiles(Path.Combine(dataDirectory, "base", Convert.ToString(await oid.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!)).ToList();
        if (includeWal)
        {
            files.AddRange(Directory.GetFiles(Path.Combine(dataDirectory, "pg_wal")));
        }

        return files;
    }

    /// <summary>Which tables the files that hold a secret belong to, for the failure message.</summary>
    private async Task<string> RelationsAsync(List<string> found)
    {
        await using var connection = await postgres.OpenAsync(_env.DatabaseUrl);
        var names = new List<string>();
        foreach (var file in found.Select(f => Path.GetFileName(f.Split(" in ")[1])))
        {
            await using var relation = new NpgsqlCommand("SELECT coalesce((SELECT relname FROM pg_class WHERE pg_relation_filenode(oid) = $1::oid), 'no relation')", connection);
            relation.Parameters.AddWithValue(file.Split('.')[0].Split('_')[0]);
            names.Add($"{file}: {await relation.ExecuteScalarAsync()}");
        }

        return string.Join(", ", names);
    }

    private static List<string> FindIn(IEnumerable<string> files, IEnumerable<string> secrets)
    {
        var needles = secrets.Select(s => (Text: s, Bytes: Encoding.UTF8.GetBytes(s))).ToList();
        var found = new List<string>();
        foreach (var file in files)
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (FileNotFoundException)
            {
                continue; // A WAL segment recycled while we looked.
            }

            found.AddRange(needles.Where(n => bytes.AsSpan().IndexOf(n.Bytes) >= 0).Select(n => $"{n.Text} in {file}"));
        }

        return found;
    }
}
