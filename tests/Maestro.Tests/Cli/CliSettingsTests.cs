using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// `maestro settings`: the Settings page's defaults for new sessions from the terminal — shown with where each comes
/// from, set and unset one key at a time, checked like the page (one clear line naming the key; nothing saved), and used
/// by `session create`.
/// </summary>
public sealed class CliSettingsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "key-cli-settings";

    private CliEmulatorBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await CliEmulatorBed.StartAsync(postgres, "clisettings", Key);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Defaults_are_shown_with_their_source_set_one_at_a_time_and_used_by_new_sessions()
    {
        var fresh = await JsonAsync("settings", "--json");
        fresh.EnumerateArray().Select(e => e.GetProperty("key").GetString()).ShouldBe(["auth", "model", "tools", "approve"]);
        fresh.EnumerateArray().ShouldAllBe(e => e.GetProperty("source").GetString() == "built-in");
        Entry(fresh, "tools").GetProperty("value").EnumerateArray().Select(t => t.GetString()).ShouldContain("read_file");

        (await Ok("settings", "set", "auth", "anthropic/emu")).Stdout.ShouldContain("Saved auth: anthropic/emu.");
        // Without a saved model, the one the provider would pick for this auth.
        var model = await JsonAsync("settings", "get", "model", "--json");
        model.GetProperty("source").GetString().ShouldBe("built-in");
        model.GetProperty("value").GetString().ShouldBe("claude-sonnet-4-5");

        (await Ok("settings", "set", "model", "claude-sonnet-4-5")).Stdout.ShouldContain("Saved model: claude-sonnet-4-5.");
        (await Ok("settings", "set", "tools", "read_file,list_dir", "grep")).Stdout.ShouldContain("Saved tools: read_file, list_dir, grep.");
        (await Ok("settings", "set", "approve", "ask")).Stdout.ShouldContain("Saved approve: ask");

        var table = await Ok("settings");
        table.Stdout.ShouldContain("anthropic/emu");
        table.Stdout.ShouldContain("read_file, list_dir, grep");
        table.Stdout.Split('\n').Count(l => l.Contains(" saved ", StringComparison.Ordinal)).ShouldBe(4, table.Stdout);

        var created = await JsonAsync("session", "create", "from-defaults", "--json");
        created.GetProperty("auth").GetString().ShouldBe("anthropic/emu");
        created.GetProperty("model").GetString()!.ShouldStartWith("claude-sonnet-4-5");

        // A forced model stands while other keys change; unsetting the auth takes the model with it.
        await Ok("settings", "set", "model", "my-proxy-model", "--force-model");
        await Ok("settings", "set", "approve", "allow");
        (await JsonAsync("settings", "get", "model", "--json")).GetProperty("value").GetString().ShouldBe("my-proxy-model");
        (await Ok("settings", "unset", "auth")).Stdout.ShouldContain("Removed the saved auth and model");
        var after = await JsonAsync("settings", "--json");
        Entry(after, "auth").GetProperty("source").GetString().ShouldBe("built-in");
        Entry(after, "model").GetProperty("source").GetString().ShouldBe("built-in");
        Entry(after, "approve").GetProperty("value").GetString().ShouldBe("allow");
        (await Ok("settings", "unset", "tools")).Stdout.ShouldContain("Removed the saved tools");
        Entry(await JsonAsync("settings", "--json"), "tools").GetProperty("source").GetString().ShouldBe("built-in");
    }

    [Fact]
    public async Task Each_mistake_names_the_key_and_what_is_allowed_and_saves_nothing()
    {
        await Ok("settings", "set", "auth", "anthropic/emu");

        var typo = await Fails("settings", "set", "model", "claude-sonet-4-5");
        typo.ShouldStartWith("error: model: 'claude-sonet-4-5' is not a model anthropic/emu offers. Close matches: ");
        typo.ShouldContain("claude-sonnet-4-5");
        typo.ShouldContain("--force-model");

        (await Fails("settings", "set", "tools", "read_file,teleport")).ShouldStartWith("error: tools: Unknown tool teleport. Built-in tools: ");
        (await Fails("settings", "set", "approve", "sometimes")).ShouldBe("error: approve: 'sometimes' is not a permission: use allow, ask or deny.");
        (await Fails("settings", "set", "colour", "blue")).ShouldStartWith("error: key: 'colour' is not a setting: use auth (provider/name), model");
        (await Fails("settings", "set", "auth", "anthropic/nobody")).ShouldStartWith("error: auth: No auth named 'nobody' for provider 'anthropic'.");
        (await Fails("settings", "set", "approve", "ask", "allow")).ShouldStartWith("error: approve: approve takes one value, got 2");
        (await Fails("settings", "get", "colour")).ShouldStartWith("error: key: 'colour' is not a setting");

        var saved = await JsonAsync("settings", "--json");
        Entry(saved, "auth").GetProperty("value").GetString().ShouldBe("anthropic/emu");
        Entry(saved, "model").GetProperty("source").GetString().ShouldBe("built-in");
        Entry(saved, "tools").GetProperty("source").GetString().ShouldBe("built-in");
        Entry(saved, "approve").GetProperty("source").GetString().ShouldBe("built-in");

        // Without a saved auth a model means nothing.
        await Ok("settings", "unset", "auth");
        (await Fails("settings", "set", "model", "claude-sonnet-4-5")).ShouldStartWith("error: model: A default model needs a default auth");
    }

    private static JsonElement Entry(JsonElement list, string key) => list.EnumerateArray().Single(e => e.GetProperty("key").GetString() == key);

    private async Task<CliRunner.Result> Ok(params string[] arguments)
    {
        var result = await CliRunner.RunAsync(_bed.Env.Settings, arguments);
        result.ExitCode.ShouldBe(0, result.ToString());
        return result;
    }

    /// <returns>The error, on one line.</returns>
    private async Task<string> Fails(params string[] arguments)
    {
        var result = await CliRunner.RunAsync(_bed.Env.Settings, arguments);
        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stdout.ShouldBeEmpty();
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Length.ShouldBe(1, result.ToString());
        return lines[0];
    }

    private async Task<JsonElement> JsonAsync(params string[] arguments) =>
        JsonDocument.Parse((await Ok(arguments)).Stdout).RootElement.Clone();
}
