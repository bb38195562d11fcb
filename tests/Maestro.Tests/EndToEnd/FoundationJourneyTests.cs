using System.Text;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.EndToEnd;

/// <summary>
/// The foundation's "done when", as a user does it with the embedded database: an auth added with the CLI shows in
/// `auth list --json`, the REST API and the dashboard, survives a restart, and its key is nowhere in plaintext under
/// $MAESTRO_HOME (the PostgreSQL data and WAL included).
/// </summary>
public sealed class FoundationJourneyTests
{
    private const string Key = "sk-ant-api03-JOURNEY-PLAINTEXT-0123456789";
    private const string Name = "journey_marker_7f3a";

    [Fact]
    public async Task Cli_add_shows_everywhere_survives_restart_and_is_encrypted_at_rest()
    {
        var home = TestHome.Create("journey");
        var env = new Dictionary<string, string?> { ["MAESTRO_HOME"] = home };
        try
        {
            var add = await CliRunner.RunAsync(env, ["auth", "add", "anthropic", Name, "--api-key-stdin"], Key);
            add.ExitCode.ShouldBe(0, add.ToString());
            (await CliRunner.RunAsync(env, ["auth", "list", "--json"])).Stdout.ShouldContain($"anthropic/{Name}");

            var port = CliProcess.FreePort();
            await using (var serve = CliProcess.Start(env, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                await serve.WaitForOutputAsync("Maestro is running");
                using var http = WebServer.ClientFor(port, home);

                using (var health = JsonDocument.Parse(await http.GetStringAsync("/health")))
                {
                    health.RootElement.GetProperty("database").GetProperty("mode").GetString().ShouldBe("embedded");
                }

                (await http.GetStringAsync("/api/auths")).ShouldContain($"anthropic/{Name}");
                (await http.GetStringAsync("/")).ShouldContain(Name);

                // The CLI works while the server runs, on the same embedded database.
                (await CliRunner.RunAsync(env, ["auth", "list", "--json"])).Stdout.ShouldContain(Name);
                (await serve.StopAsync()).ShouldBe(0, serve.Output);
            }

            // After the restart (every process gone, the database stopped), the auth is still there.
            (await CliRunner.RunAsync(env, ["auth", "list", "--json"])).Stdout.ShouldContain($"anthropic/{Name}");

            var (keyFound, nameFound) = Scan(home);
            nameFound.ShouldBeTrue("the scan must see the stored row (positive control)");
            keyFound.ShouldBeEmpty();
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task Serve_on_a_busy_port_says_so_in_one_line()
    {
        var home = TestHome.Create("busyport");
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            listener.Start();
            var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;

            var result = await CliRunner.RunAsync(
                new Dictionary<string, string?> { ["MAESTRO_HOME"] = home, ["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                ["serve"]);

            result.ExitCode.ShouldBe(1);
            result.Stderr.ShouldContain($"Port {port} is already in use");
            result.Stderr.ShouldContain("--port");
            result.Stderr.ShouldNotContain("   at ");
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    private static (List<string> KeyFound, bool NameFound) Scan(string root)
    {
        var key = Encoding.UTF8.GetBytes(Key);
        var name = Encoding.UTF8.GetBytes(Name);
        var keyFound = new List<string>();
        var nameFound = false;
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (bytes.AsSpan().IndexOf(key) >= 0)
            {
                keyFound.Add(file);
            }

            nameFound |= bytes.AsSpan().IndexOf(name) >= 0;
        }

        return (keyFound, nameFound);
    }
}
