using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>`maestro chat`, `models` and `e2e` as a user runs them, against the emulator, for every provider.</summary>
public sealed class ChatAndE2eTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "chate2e");
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        // An OpenAI-compatible provider declared by configuration alone, served by the emulator's Chat Completions.
        _env.Settings["MAESTRO_COMPAT_PROVIDERS"] = "localai";
        _env.Settings["MAESTRO_COMPAT_LOCALAI_BASE_URL"] = _emulator.ProviderUrl(EmulatorProviders.OpenAI) + "/v1";
        _env.Settings["MAESTRO_COMPAT_LOCALAI_DEFAULT_MODEL"] = "gpt-4o-mini";
        foreach (var (provider, emulated) in Targets)
        {
            var add = await CliRunner.RunAsync(_env.Settings, ["auth", "add", provider, "emu", "--api-key-stdin", "--base-url", _emulator.ProviderUrl(emulated).ToString() + (provider == "localai" ? "/v1" : "")], "key-chat-" + provider);
            add.ExitCode.ShouldBe(0, add.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _env.DisposeAsync();
    }

    private static readonly Dictionary<string, string> Targets = new()
    {
        ["anthropic"] = EmulatorProviders.Anthropic,
        ["openai"] = EmulatorProviders.OpenAI,
        ["gemini"] = EmulatorProviders.Gemini,
        ["localai"] = EmulatorProviders.OpenAI,
    };

    public static TheoryData<string> Providers => ["anthropic", "openai", "gemini", "localai"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chat_streams_the_answer_and_reports_usage(string provider)
    {
        var result = await CliRunner.RunAsync(_env.Settings, ["chat", $"{provider}/emu", "--system", "Be brief.", "What is FastAPI?"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("emulated answer");
        result.Stdout.ShouldContain("What is FastAPI?");
        result.Stderr.ShouldContain("out tokens");
        var sent = _emulator.Control.Requests("key-chat-" + provider).Last(r => r.Method == "POST").BodyText;
        sent.ShouldContain("Be brief.");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Chat_json_prints_normalized_events_and_e2e_passes(string provider)
    {
        var json = await CliRunner.RunAsync(_env.Settings, ["chat", $"{provider}/emu", "--json", "--model", "synthetic:12", "Hi"]);
        json.ExitCode.ShouldBe(0, json.ToString());
        var events = json.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("type").GetString()).ToList();
        events.Count(e => e == "text").ShouldBe(12);
        events.ShouldContain("usage");
        events.ShouldContain("finish");

        var e2e = await CliRunner.RunAsync(_env.Settings, ["e2e", $"{provider}/emu", "--quiet"]);
        e2e.ExitCode.ShouldBe(0, e2e.ToString());
        foreach (var check in new[] { "Models listed", "Complete response received", "FastAPI mentioned", "Stripe mentioned", "Error handling mentioned", "Usage stats available", "Token count > 0" })
        {
            e2e.Stdout.ShouldContain(check);
        }

        e2e.Stdout.ShouldContain("OVERALL: PASS");
        e2e.Stdout.ShouldNotContain("FAIL");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Models_are_listed_from_the_live_endpoint(string provider)
    {
        var result = await CliRunner.RunAsync(_env.Settings, ["models", $"{provider}/emu", "--json"]);

        result.ExitCode.ShouldBe(0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        json.RootElement.GetProperty("models").GetArrayLength().ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task Provider_failures_name_the_auth_the_model_or_the_host()
    {
        var wrongKey = await CliRunner.RunAsync(_env.Settings, ["auth", "add", "anthropic", "wrongkey", "--api-key-stdin", "--base-url", _emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString()], "invalid-key");
        wrongKey.ExitCode.ShouldBe(0);
        var auth = await CliRunner.RunAsync(_env.Settings, ["chat", "anthropic/wrongkey", "Hi"]);
        auth.ExitCode.ShouldBe(3);
        auth.Stderr.ShouldContain("rejected auth anthropic/wrongkey");

        var model = await CliRunner.RunAsync(_env.Settings, ["chat", "gemini/emu", "--model", "gemini-9-imaginary", "Hi"]);
        model.ExitCode.ShouldBe(3);
        model.Stderr.ShouldContain("gemini-9-imaginary");

        var port = CliProcess.FreePort();
        (await CliRunner.RunAsync(_env.Settings, ["auth", "add", "openai", "nowhere", "--api-key-stdin", "--base-url", $"http://127.0.0.1:{port}"], "sk-x")).ExitCode.ShouldBe(0);
        var host = await CliRunner.RunAsync(_env.Settings, ["chat", "openai/nowhere", "Hi"]);
        host.ExitCode.ShouldBe(3);
        host.Stderr.ShouldContain($"127.0.0.1:{port}");

        var empty = await CliRunner.RunAsync(_env.Settings, ["chat", "openai/emu", "   "]);
        empty.ExitCode.ShouldBe(1);
        empty.Stderr.ShouldContain("prompt: The prompt is empty.");
        foreach (var r in new[] { auth, model, host, empty })
        {
            r.Stderr.ShouldNotContain("   at ");
        }
    }
}
