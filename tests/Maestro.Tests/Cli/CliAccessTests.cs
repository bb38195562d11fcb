using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// `maestro serve` with authentication, as a process, and `maestro access …`: the printed sign-in link, rotation picked
/// up by the running server, the password, and every other command still working with nothing but MAESTRO_HOME.
/// </summary>
public sealed partial class CliAccessTests
{
    [Fact]
    public async Task Cli_commands_work_beside_an_authenticated_server_with_nothing_but_MAESTRO_HOME()
    {
        var home = TestHome.Create("cliaccess");
        var env = new Dictionary<string, string?> { ["MAESTRO_HOME"] = home };
        try
        {
            var port = CliProcess.FreePort();
            await using var serve = CliProcess.Start(env, "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
            await serve.WaitForOutputAsync("Database:");
            var link = PrintedLink().Match(serve.Output).Groups[1].Value;
            link.ShouldStartWith($"http://127.0.0.1:{port}/login#code=");
            serve.Output.ShouldContain($"API clients send the token in {Path.Combine(home, "access-token")}");
            File.GetUnixFileMode(Path.Combine(home, "access-token")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

            // The server wants credentials; the CLI, on the same MAESTRO_HOME, needs none.
            using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            (await anonymous.GetAsync("/api/auths", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            foreach (var (arguments, stdin) in new (string[], string?)[]
            {
                (["auth", "add", "anthropic", "cli_marker", "--api-key-stdin"], "sk-ant-cli-0123456789\n"),
                (["auth", "list", "--json"], null),
                (["auth", "show", "anthropic/cli_marker"], null),
                (["session", "create", "cli-session", "--auth", "anthropic/cli_marker", "--model", "claude-sonnet-4-5", "--workdir", home], null),
                (["session", "list", "--json"], null),
                (["session", "show", "cli-session"], null),
                (["prompt", "add", "helper", "--text", "Be brief."], null),
                (["prompt", "list"], null),
                (["mcp", "list"], null),
                (["providers"], null),
                (["access", "status"], null),
            })
            {
                var run = await CliRunner.RunAsync(env, arguments, stdin);
                run.ExitCode.ShouldBe(0, run.ToString());
            }

            using var http = WebServer.ClientFor(port, home);
            (await http.GetStringAsync("/api/sessions/cli-session", Ct)).ShouldContain("anthropic/cli_marker");

            // The printed link, exchanged as the sign-in page does it, signs a browser in once.
            var code = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..];
            using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = anonymous.BaseAddress };
            (await browser.PostAsync("/login", new FormUrlEncodedContent([new("code", code)]), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await browser.GetAsync("/api/auths", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await anonymous.PostAsync("/login", new FormUrlEncodedContent([new("code", code)]), Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

            // `access link` makes another; `access rotate` ends every browser session and the old token at once.
            var linked = await CliRunner.RunAsync(env, ["access", "link", "--url", $"http://127.0.0.1:{port}"]);
            linked.ExitCode.ShouldBe(0, linked.ToString());
            var fresh = linked.Stdout.Trim();
            fresh.ShouldStartWith($"http://127.0.0.1:{port}/login#code=");
            linked.Stderr.ShouldContain("within 15 minutes");

            var status = await CliRunner.RunAsync(env, ["access", "status", "--json"]);
            using (var json = JsonDocument.Parse(status.Stdout))
            {
                json.RootElement.GetProperty("enabled").GetBoolean().ShouldBeTrue();
                json.RootElement.GetProperty("token_source").GetString().ShouldBe(Path.Combine(home, "access-token"));
                json.RootElement.GetProperty("password_set").GetBoolean().ShouldBeFalse();
                json.RootElement.GetProperty("browser_sessions").GetInt32().ShouldBe(1);
            }

            var rotate = await CliRunner.RunAsync(env, ["access", "rotate", "--yes"]);
            rotate.ExitCode.ShouldBe(0, rotate.ToString());
            rotate.Stdout.ShouldContain("Browser sessions ended: 1.");
            (await http.GetAsync("/api/auths", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the old token stops working without a restart");
            (await browser.GetAsync("/api/auths", Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the browser session ended");
            (await anonymous.PostAsync("/login", new FormUrlEncodedContent([new("code", fresh[(fresh.IndexOf('=', StringComparison.Ordinal) + 1)..])]), Ct))
                .StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "unused links end too");
            using var rotated = WebServer.ClientFor(port, home);
            (await rotated.GetAsync("/api/auths", Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // The password, from stdin only, signs in beside the token.
            var password = await CliRunner.RunAsync(env, ["access", "password", "--password-stdin"], "a long enough password\n");
            password.ExitCode.ShouldBe(0, password.ToString());
            (await anonymous.PostAsync("/login", new FormUrlEncodedContent([new("secret", "a long enough password")]), Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

            // Nothing secret reached the server's output but the link it printed.
            serve.Output.ShouldNotContain(File.ReadAllText(Path.Combine(home, "access-token")).Trim());
            Regex.Count(serve.Output, Regex.Escape(code)).ShouldBe(1);
            serve.Output.ShouldNotContain(fresh[(fresh.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            (await serve.StopAsync()).ShouldBe(0, serve.Output);
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task Password_input_is_never_an_argument_and_follows_the_rules()
    {
        var home = TestHome.Create("password");
        var env = new Dictionary<string, string?> { ["MAESTRO_HOME"] = home };

        var noInput = await CliRunner.RunAsync(env, ["access", "password"]);
        noInput.ExitCode.ShouldBe(1);
        noInput.Stderr.ShouldContain("error: password: No password given. Pipe it in with --password-stdin");
        noInput.Stderr.ShouldNotContain("   at ");

        var tooShort = await CliRunner.RunAsync(env, ["access", "password", "--password-stdin"], "short\n");
        tooShort.ExitCode.ShouldBe(1);
        tooShort.Stderr.ShouldContain("The password is too short (5 characters); use at least 8.");

        var asArgument = await CliRunner.RunAsync(env, ["access", "password", "hunter22-hunter22"]);
        asArgument.ExitCode.ShouldNotBe(0);
        asArgument.Stderr.ShouldNotContain("   at ");
        Directory.Exists(Path.Combine(home, "postgres")).ShouldBeFalse("a refused password never starts the database");
        TestHome.Delete(home);
    }

    [Fact]
    public async Task Serve_refuses_to_run_without_authentication_on_a_reachable_address()
    {
        var home = TestHome.Create("noauthwide");
        try
        {
            var refused = await CliRunner.RunAsync(new Dictionary<string, string?> { ["MAESTRO_HOME"] = home },
                ["serve", "--no-auth", "--host", "0.0.0.0", "--port", CliProcess.FreePort().ToString(CultureInfo.InvariantCulture)]);
            refused.ExitCode.ShouldBe(1);
            refused.Stderr.ShouldContain("Authentication cannot be turned off while listening on 0.0.0.0");
            refused.Stderr.ShouldContain("Remove --no-auth");
            refused.Stderr.ShouldNotContain("   at ");
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task Serve_without_authentication_on_loopback_warns_at_start_and_lets_everyone_in()
    {
        var home = TestHome.Create("noauth");
        try
        {
            var port = CliProcess.FreePort();
            await using var serve = CliProcess.Start(new Dictionary<string, string?> { ["MAESTRO_HOME"] = home },
                "serve", "--no-auth", "--port", port.ToString(CultureInfo.InvariantCulture));
            // A fresh MAESTRO_HOME: the first start creates the embedded cluster (initdb), slow on a loaded machine.
            await serve.WaitForOutputAsync("Maestro is running", TimeSpan.FromMinutes(3));
            await serve.WaitForOutputAsync("Authentication is OFF");
            serve.Output.ShouldNotContain("Sign in:");

            using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            (await anonymous.GetFromJsonAsync<JsonElement>("/api/providers", Ct)).GetArrayLength().ShouldBeGreaterThan(2);
            (await serve.StopAsync()).ShouldBe(0, serve.Output);
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [GeneratedRegex(@"Sign in: (\S+)")]
    private static partial Regex PrintedLink();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
