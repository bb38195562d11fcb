using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Sessions;

/// <summary>Personas and versioned system prompts stack into what the model is told.</summary>
public sealed class PromptStackTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await SessionTestBed.CreateAsync(postgres, "prompts");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_pinned_version_stays_and_the_latest_follows_edits()
    {
        var env = _bed.Env.Settings;
        (await CliRunner.RunAsync(env, ["prompt", "add", "pirate", "--kind", "persona", "--text", "PERSONA-V1: talk like a pirate."])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(env, ["prompt", "add", "style", "--text", "STYLE-V1: answer in one line."])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(env, ["prompt", "edit", "pirate", "--text", "PERSONA-V2: talk like a parrot."])).ExitCode.ShouldBe(0);
        (await CliRunner.RunAsync(env, ["prompt", "edit", "style", "--text", "STYLE-V2: answer in two lines."])).ExitCode.ShouldBe(0);

        var create = await CliRunner.RunAsync(env, ["session", "create", "stacked", "--auth", "anthropic/bed", "--model", SessionTestBed.Models["anthropic"],
            "--prompt", "pirate@1", "--prompt", "style", "--system", "SESSION-OWN: be kind."]);
        create.ExitCode.ShouldBe(0, create.ToString());

        _bed.Script("anthropic", ScriptedResponse.FromText("Arr."));
        (await CliRunner.RunAsync(env, ["chat", "--session", "stacked", "Hi"])).ExitCode.ShouldBe(0);

        var system = _bed.Requests("anthropic").Last(r => r.Method == "POST").Json!.Value.GetProperty("system").ToString();
        system.ShouldContain("PERSONA-V1");
        system.ShouldNotContain("PERSONA-V2");
        system.ShouldContain("STYLE-V2");
        system.IndexOf("PERSONA-V1", StringComparison.Ordinal).ShouldBeLessThan(system.IndexOf("STYLE-V2", StringComparison.Ordinal));
        system.ShouldContain("SESSION-OWN: be kind.");

        var missing = await CliRunner.RunAsync(env, ["session", "create", "bad-stack", "--auth", "anthropic/bed", "--model", "m", "--prompt", "pirate@9", "--prompt", "ghost"]);
        missing.ExitCode.ShouldBe(1);
        missing.Stderr.ShouldContain("has no version 9");
        missing.Stderr.ShouldContain("No prompt named 'ghost'");

        var show = await CliRunner.RunAsync(env, ["prompt", "show", "pirate", "--version", "1"]);
        show.Stdout.Trim().ShouldBe("PERSONA-V1: talk like a pirate.");
    }
}
