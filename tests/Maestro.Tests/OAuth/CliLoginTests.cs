using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Core.Auths;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>`maestro auth login`, `auth refresh` and `auth list` run as processes, with a real HttpClient as the browser.</summary>
public sealed partial class CliLoginTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bed = await OAuthTestBed.CreateAsync(postgres, "oauthcli");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task OpenAI_login_prints_the_url_and_completes_when_the_browser_comes_back()
    {
        await using var cli = CliProcess.Start(_bed.Environment.Settings, "auth", "login", "openai", "work", "--no-browser");
        await cli.WaitForOutputAsync("Waiting for the browser to come back to");
        var url = OAuthTestBed.PrintedUrl(cli.Output, "/oauth/openai/oauth/authorize");
        OAuthTestBed.Flat(cli.Output).ShouldContain($"Waiting for the browser to come back to {_bed.OpenAIRedirect}");

        var (status, html, _) = await _bed.OpenAsync(url);

        status.ShouldBe(HttpStatusCode.OK, html);
        (await cli.WaitForExitAsync()).ShouldBe(0, cli.Output);
        OAuthTestBed.Flat(cli.Output).ShouldContain("Logged in. Signed in as emulated.user@example.com; saved as openai/work.");
        OAuthTestBed.Flat(cli.Output).ShouldContain("openai/work: active (expires in 59 min)");

        var list = await CliRunner.RunAsync(_bed.Environment, "auth", "list", "--json");
        using var json = JsonDocument.Parse(list.Stdout);
        var auth = json.RootElement.EnumerateArray().Single();
        auth.GetProperty("type").GetString().ShouldBe("oauth");
        auth.GetProperty("state").GetString()!.ShouldStartWith("active (expires in ");
        auth.GetProperty("metadata").GetProperty("plan").GetString().ShouldBe("pro");
        list.Stdout.ShouldNotContain("rt_emu_");
    }

    [Fact]
    public async Task Anthropic_login_takes_a_pasted_code_after_a_malformed_one()
    {
        await using var cli = CliProcess.Start(_bed.Environment.Settings, "auth", "login", "anthropic", "claude", "--no-browser", "--create-api-key");
        await cli.WaitForOutputAsync("paste the code the page shows");
        var code = await _bed.AnthropicCodeAsync(OAuthTestBed.PrintedUrl(cli.Output, "/oauth/anthropic/oauth/authorize"));

        await cli.WriteLineAsync("this is not it");
        await cli.WaitForOutputAsync("Paste again");
        await cli.WriteLineAsync(code);

        (await cli.WaitForExitAsync()).ShouldBe(0, cli.Output);
        OAuthTestBed.Flat(cli.Output).ShouldContain("The pasted text contains spaces or line breaks");
        OAuthTestBed.Flat(cli.Output).ShouldContain("saved as anthropic/claude. An API key was created from the login and kept with it.");
        var show = await CliRunner.RunAsync(_bed.Environment, "auth", "show", "anthropic/claude");
        show.Stdout.ShouldContain("api_key");
        show.Stdout.ShouldContain("refresh_token");
        show.Stdout.ShouldNotContain(code.Split('#')[0]);
    }

    [Fact]
    public async Task Gemini_code_assist_login_from_the_cli()
    {
        await using var cli = CliProcess.Start(_bed.Environment.Settings, "auth", "login", "gemini", "google", "--no-browser", "--code-assist");
        await cli.WaitForOutputAsync("Waiting for the browser");

        var (status, html, _) = await _bed.OpenAsync(OAuthTestBed.PrintedUrl(cli.Output, "/oauth/google/o/oauth2/v2/auth"));

        status.ShouldBe(HttpStatusCode.OK, html);
        (await cli.WaitForExitAsync()).ShouldBe(0, cli.Output);
        var show = await CliRunner.RunAsync(_bed.Environment, "auth", "show", "gemini/google", "--json");
        using var json = JsonDocument.Parse(show.Stdout);
        json.RootElement.GetProperty("auth").GetProperty("metadata").GetProperty("mode").GetString().ShouldBe("code_assist");
    }

    [Fact]
    public async Task Device_login_from_the_cli_waits_for_the_approval()
    {
        _bed.OAuth.DevicePollIntervalSeconds = 1;
        await using var cli = CliProcess.Start(_bed.Environment.Settings, "auth", "login", "openai", "headless", "--device");
        await cli.WaitForOutputAsync("Waiting for approval");
        OAuthTestBed.Flat(cli.Output).ShouldContain("/oauth/openai/codex/device");
        var userCode = UserCode().Match(cli.Output).Value;

        _bed.OAuth.ApproveDevice(userCode).ShouldBeTrue();

        (await cli.WaitForExitAsync()).ShouldBe(0, cli.Output);
        OAuthTestBed.Flat(cli.Output).ShouldContain("saved as openai/headless");
    }

    [Fact]
    public async Task A_busy_callback_port_is_one_line_naming_the_port_and_the_setting()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, _bed.OpenAIRedirect.Port);
        squatter.Start();

        var result = await CliRunner.RunAsync(_bed.Environment, "auth", "login", "openai", "busy", "--no-browser");

        result.ExitCode.ShouldBe(1);
        result.Stderr.ShouldContain($"error: Port {_bed.OpenAIRedirect.Port} is already in use");
        result.Stderr.ShouldContain("hint: ");
        result.Stderr.ShouldContain("OPENAI_REDIRECT_URI");
        result.Stderr.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Refresh_from_the_cli_and_the_states_auth_list_shows()
    {
        var services = _bed.Environment.Services();
        var auth = await _bed.LoginAnthropicAsync(services, "listed");

        var refresh = await CliRunner.RunAsync(_bed.Environment, "auth", "refresh", "anthropic/listed");
        refresh.ExitCode.ShouldBe(0, refresh.ToString());
        OAuthTestBed.Flat(refresh.Stdout).ShouldContain("Refreshed anthropic/listed: active (expires in 59 min).");

        await services.GetRequiredService<IAuthStore>().UpdateAsync(auth.Id,
            new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = "the provider refused the refresh token: invalid_grant" }, Ct);
        var list = await CliRunner.RunAsync(_bed.Environment, "auth", "list");
        list.Stdout.ShouldContain("needs");
        var listed = await CliRunner.RunAsync(_bed.Environment, "auth", "list", "--json");
        listed.Stdout.ShouldContain("\"state\": \"needs re-login: the provider refused the refresh token: invalid_grant\"", customMessage: listed.Stdout);

        var again = await CliRunner.RunAsync(_bed.Environment, "auth", "refresh", "anthropic/listed");
        again.ExitCode.ShouldBe(1);
        again.Stderr.ShouldContain("anthropic/listed needs a new login");
        again.Stderr.ShouldContain("maestro auth login anthropic listed");

        await CliRunner.RunWithStdinAsync(_bed.Environment, "sk-test-key-0123456789", "auth", "add", "anthropic", "keyed", "--api-key-stdin");
        var keyed = await CliRunner.RunAsync(_bed.Environment, "auth", "refresh", "anthropic/keyed");
        keyed.ExitCode.ShouldBe(1);
        keyed.Stderr.ShouldContain("anthropic/keyed is an API key; only OAuth logins have tokens to refresh.");
    }

    [GeneratedRegex(@"\b[A-Z]{4}-[A-Z]{4}\b")]
    private static partial Regex UserCode();
}
