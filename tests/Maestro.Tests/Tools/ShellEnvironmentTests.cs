using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Core.Conversations;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Tools;

/// <summary>
/// The shell tool's `env`, run by a real `maestro chat --session` process whose environment is full of secrets: none of
/// them reaches the command, except what the session passes through on purpose (set from the CLI, the API and the form).
/// </summary>
public sealed class ShellEnvironmentTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "shellenv");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task The_shell_tool_env_shows_no_secret_variable_but_those_the_session_passes()
    {
        var create = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "create", "envcheck", "--auth", "anthropic/bed", "--model",
            SessionTestBed.Models["anthropic"], "--workdir", _bed.Workdir, "--approve", "allow", "--shell-env", "PASSED_TOKEN", "--shell-env", "KEEP_*"]);
        create.ExitCode.ShouldBe(0, create.ToString());
        var show = await CliRunner.RunAsync(_bed.Env, "session", "show", "envcheck");
        show.Stdout.ShouldContain("PASSED_TOKEN, KEEP_*");

        var secrets = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-live-openai-0123456789",
            ["ANTHROPIC_API_KEY"] = "sk-ant-live-0123456789",
            ["GEMINI_OAUTH_CLIENT_SECRET"] = "gocspx-client-secret-0123",
            ["MAESTRO_SECRET_KEY_PREVIOUS"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["MY_SERVICE_TOKEN"] = "service-token-0123456789",
            ["PGPASSWORD"] = "pg-password-0123456789",
            ["PASSED_TOKEN"] = "pass-me-through",
            ["KEEP_SECRET_A"] = "kept-by-prefix",
            ["HARMLESS_SETTING"] = "visible-value",
        };
        var environment = new Dictionary<string, string?>(_bed.Env.Settings);
        foreach (var (name, value) in secrets)
        {
            environment[name] = value;
        }

        _bed.Script("anthropic",
            ScriptedResponse.FromToolCalls(ScriptedToolCall.Create("shell", """{"command": "env"}""")),
            ScriptedResponse.FromText("Printed."));
        var chat = await CliRunner.RunAsync(environment, ["chat", "--session", "envcheck", "Show the environment"]);
        chat.ExitCode.ShouldBe(0, chat.ToString());

        var session = await _bed.Get<SessionService>().GetAsync("envcheck", CancellationToken.None);
        var messages = await _bed.Get<ConversationService>().MessagesAsync(session, null, null, 100, CancellationToken.None);
        var env = messages.Single(m => m.Role == MessageRole.Tool).Contents.OfType<FunctionResultContent>().Single().Result!.ToString()!;

        env.ShouldContain("PASSED_TOKEN=pass-me-through");
        env.ShouldContain("KEEP_SECRET_A=kept-by-prefix");
        env.ShouldContain("HARMLESS_SETTING=visible-value");
        env.ShouldContain("\nPATH=");
        foreach (var hidden in secrets.Keys.Except(["PASSED_TOKEN", "KEEP_SECRET_A", "HARMLESS_SETTING"]))
        {
            env.ShouldNotContain(secrets[hidden]!);
        }

        env.ShouldNotContain(_bed.Env.SecretKey);
        env.ShouldNotContain(_bed.Env.DatabaseUrl);
        var names = env.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal)).Select(l => l[..l.IndexOf('=', StringComparison.Ordinal)]);
        names.Where(ToolEnvironment.LooksSecret).Order(StringComparer.Ordinal).ShouldBe(["KEEP_SECRET_A", "PASSED_TOKEN"]);
    }

    [Fact]
    public async Task The_passthrough_list_is_set_and_checked_by_the_api_and_the_session_form()
    {
        await using var server = await WebServer.StartAsync(_bed.Env);
        (await server.Client.PostAsJsonAsync("/api/sessions", new
        {
            name = "passing",
            auth = "anthropic/bed",
            model = SessionTestBed.Models["anthropic"],
            working_directory = _bed.Workdir,
            shell_env_passthrough = new[] { "GITHUB_TOKEN", "NPM_*" },
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var view = JsonDocument.Parse(await server.Client.GetStringAsync("/api/sessions/passing")))
        {
            view.RootElement.GetProperty("settings").GetProperty("shell_env_passthrough").EnumerateArray().Select(e => e.GetString())
                .ShouldBe(["GITHUB_TOKEN", "NPM_*"]);
        }

        var bad = await server.Client.PatchAsJsonAsync("/api/sessions/passing", new { shell_env_passthrough = new[] { "NOT A NAME", "*" } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("\"shell_env_passthrough\"");

        using var form = new HttpRequestMessage(HttpMethod.Post, "/ui/sessions/passing")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = "passing",
                ["auth"] = "anthropic/bed",
                ["model"] = SessionTestBed.Models["anthropic"],
                ["working_directory"] = _bed.Workdir,
                ["tools"] = "shell",
                ["shell_env_passthrough"] = "AWS_PROFILE_TOKEN, DEPLOY_*",
            }),
        };
        form.Headers.Add("HX-Request", "true");
        var saved = await server.Client.SendAsync(form);
        saved.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await saved.Content.ReadAsStringAsync()).ShouldContain("value=\"AWS_PROFILE_TOKEN, DEPLOY_*\"");
        (await _bed.Get<SessionService>().GetAsync("passing", CancellationToken.None)).Settings.ShellEnvPassthrough.ShouldBe(["AWS_PROFILE_TOKEN", "DEPLOY_*"]);
    }
}
