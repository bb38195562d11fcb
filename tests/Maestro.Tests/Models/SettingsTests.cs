using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Models;

/// <summary>The settings page and API: prices that override the built-in table, prompts and personas chosen in the session form.</summary>
public sealed class SettingsTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "settings");
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task A_saved_price_overrides_the_built_in_one_for_costs_and_the_model_list()
    {
        var listed = await Http.GetFromJsonAsync<JsonElement>("/api/settings/prices");
        listed.GetProperty("built_in").GetProperty("anthropic").GetProperty("models").GetProperty("claude-sonnet-4-5").GetProperty("input").GetDecimal().ShouldBe(3m);

        var bad = await Http.PostAsJsonAsync("/api/settings/prices", new { model = "nope/claude", input = -1, output = 2 });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty("model", out _).ShouldBeTrue();
        errors.TryGetProperty("input", out _).ShouldBeTrue();

        (await Http.PostAsJsonAsync("/api/settings/prices", new { model = "anthropic/claude-sonnet-4-5", input = 1, output = 2 })).EnsureSuccessStatusCode();
        var models = await Http.GetFromJsonAsync<JsonElement>("/api/auths/anthropic/bed/models");
        var price = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "claude-sonnet-4-5-20250929").GetProperty("price");
        price.GetProperty("input").GetDecimal().ShouldBe(1m);
        price.GetProperty("source").GetString().ShouldBe("settings");

        var session = await _bed.CreateSessionAsync("anthropic", "priced");
        _bed.Script("anthropic", ScriptedResponse.FromText("Cheap.") with { Usage = new ScriptedUsage { InputTokens = 1_000_000, OutputTokens = 1_000_000 } });
        await _bed.RunTurnAsync(session, "How much now?");
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/priced/usage")).GetProperty("cost").GetDecimal().ShouldBe(3m);

        (await Http.DeleteAsync("/api/settings/prices?model=anthropic/claude-sonnet-4-5")).EnsureSuccessStatusCode();
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/priced/usage")).GetProperty("cost").GetDecimal().ShouldBe(18m, "back to the built-in $3 / $15");
    }

    [Fact]
    public async Task The_settings_page_saves_prices_and_prompts_and_the_session_form_stacks_them()
    {
        (await Http.GetStringAsync("/settings")).ShouldContain("Built-in: anthropic");

        var typo = await Http.PostHtmxFormAsync("/ui/settings/prices", ("model", "gpt-5"), ("input", "abc"), ("output", ""));
        var html = await typo.Content.ReadAsStringAsync();
        html.ShouldContain("abc&#x27; is not a number");
        html.ShouldContain("The output price is required");

        var saved = await (await Http.PostHtmxFormAsync("/ui/settings/prices", ("model", "gpt-5"), ("input", "1.5"), ("output", "$12"))).Content.ReadAsStringAsync();
        saved.ShouldContain("Saved the price of gpt-5.");
        saved.ShouldContain("$1.5");

        var added = await (await Http.PostHtmxFormAsync("/ui/prompts", ("name", "reviewer"), ("kind", "persona"), ("description", "Strict"), ("content", "You review code."))).Content.ReadAsStringAsync();
        added.ShouldContain("Added reviewer.");
        (await Http.PostHtmxFormAsync("/ui/prompts/reviewer/versions", ("content", "You review code carefully."))).Headers.GetValues("HX-Redirect").Single().ShouldBe("/prompts/reviewer");
        var page = await Http.GetStringAsync("/prompts/reviewer");
        page.ShouldContain("Version 2");
        page.ShouldContain("You review code carefully.");

        (await Http.GetStringAsync("/sessions/new")).ShouldContain("value=\"reviewer\"");
        var created = await Http.PostHtmxFormAsync("/ui/sessions",
            ("name", "stacked"), ("auth", "anthropic/bed"), ("model", "claude-sonnet-4-5"), ("prompts", "reviewer@1"), ("tools", "read_file"));
        created.IsSuccessStatusCode.ShouldBeTrue(await created.Content.ReadAsStringAsync());
        var session = await Http.GetFromJsonAsync<JsonElement>("/api/sessions/stacked");
        session.GetProperty("prompts")[0].GetProperty("version").GetInt32().ShouldBe(1);
        (await Http.GetStringAsync("/sessions/stacked/settings")).ShouldContain("value=\"reviewer@1\" checked");
    }

    [Fact]
    public async Task The_cli_saves_lists_and_removes_prices_and_refuses_bad_ones()
    {
        var set = await CliRunner.RunAsync(_bed.Env, "prices", "set", "gemini/gemini-2.5-flash", "--input", "0.2", "--output", "2", "--cached-input", "0.02");
        set.ExitCode.ShouldBe(0, set.ToString());
        var list = await CliRunner.RunAsync(_bed.Env, "prices", "list");
        list.Stdout.ShouldContain("gemini/gemini-2.5-flash");
        list.Stdout.ShouldContain("saved");
        var builtIn = await CliRunner.RunAsync(_bed.Env, "prices", "list", "--built-in");
        builtIn.Stdout.ShouldContain("anthropic/claude-haiku-4-5");

        var models = await CliRunner.RunAsync(_bed.Env, "models", "gemini/bed", "--json");
        models.Stdout.ShouldContain("\"source\": \"settings\"");

        var bad = await CliRunner.RunAsync(_bed.Env, "prices", "set", "nosuch/model", "--input", "-1", "--output", "1");
        bad.ExitCode.ShouldNotBe(0);
        bad.Stderr.ShouldContain("Unknown provider 'nosuch'");
        bad.Stderr.ShouldContain("input");

        (await CliRunner.RunAsync(_bed.Env, "prices", "rm", "gemini/gemini-2.5-flash")).ExitCode.ShouldBe(0);
        var gone = await CliRunner.RunAsync(_bed.Env, "prices", "rm", "gemini/gemini-2.5-flash");
        gone.ExitCode.ShouldNotBe(0);
        gone.Stderr.ShouldContain("No saved price");
    }

    [Fact]
    public async Task A_long_context_tier_is_saved_from_the_api_the_settings_page_and_the_cli()
    {
        var bad = await Http.PostAsJsonAsync("/api/settings/prices",
            new { model = "gemini/gemini-2.5-pro", input = 1, output = 2, long_context = new { above = 0, input = -1, output = 3 } });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("long_context.above")[0].GetString().ShouldNotBeNull().ShouldContain("between 1 and");
        errors.GetProperty("long_context.input")[0].GetString().ShouldNotBeNull().ShouldContain("long-context input price");

        (await Http.PostAsJsonAsync("/api/settings/prices",
            new { model = "gemini/gemini-2.5-pro", input = 1, output = 2, long_context = new { above = 100_000, input = 3, output = 4 } })).EnsureSuccessStatusCode();
        var models = await Http.GetFromJsonAsync<JsonElement>("/api/auths/gemini/bed/models");
        var pro = models.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "gemini-2.5-pro").GetProperty("price");
        pro.GetProperty("source").GetString().ShouldBe("settings");
        pro.GetProperty("long_context").GetProperty("above").GetInt64().ShouldBe(100_000);
        (await (await Http.GetHtmxAsync("/ui/models/options?auth=gemini/bed")).Content.ReadAsStringAsync()).ShouldContain("$1 / $2 per M; above 100k: $3 / $4");

        var missing = await (await Http.PostHtmxFormAsync("/ui/settings/prices",
            ("model", "openai/gpt-5.4"), ("input", "2.5"), ("output", "15"), ("long_context.above", "272000"), ("long_context.input", "5"))).Content.ReadAsStringAsync();
        missing.ShouldContain("A long-context tier needs its output price");
        var saved = await (await Http.PostHtmxFormAsync("/ui/settings/prices",
            ("model", "openai/gpt-5.4"), ("input", "2.5"), ("output", "15"), ("long_context.above", "272,000"), ("long_context.input", "5"),
            ("long_context.output", "$22.5"))).Content.ReadAsStringAsync();
        saved.ShouldContain("Saved the price of openai/gpt-5.4.");
        saved.ShouldContain("above 272k: $5 / $22.50");

        var half = await CliRunner.RunAsync(_bed.Env, "prices", "set", "gemini/gemini-3-flash-preview", "--input", "1", "--output", "2", "--long-context-above", "200000");
        half.ExitCode.ShouldNotBe(0);
        half.Stderr.ShouldContain("--long-context-above, --long-input and --long-output together");
        var set = await CliRunner.RunAsync(_bed.Env, "prices", "set", "gemini/gemini-3-flash-preview", "--input", "1", "--output", "2",
            "--long-context-above", "200000", "--long-input", "3", "--long-output", "4");
        set.ExitCode.ShouldBe(0, set.ToString());
        var list = await CliRunner.RunAsync(_bed.Env, "prices", "list", "--built-in");
        list.Stdout.ShouldContain("above 200k: $3 / $4");
        list.Stdout.ShouldContain("gemini: checked 2026-12-05 against https://ai.google.dev/gemini-api/docs/pricing");
    }

    [Fact]
    public async Task Defaults_for_new_sessions_fill_what_the_creator_leaves_out()
    {
        var bad = await Http.PutAsJsonAsync("/api/settings/defaults", new { auth = "nope/none", model = "x", tools = new[] { "teleport" }, approve = "maybe" });
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        foreach (var field in new[] { "auth", "tools", "approve" })
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue(field);
        }

        var typo = await Http.PutAsJsonAsync("/api/settings/defaults", new { auth = "gemini/bed", model = "gemini-2.5-flsh" });
        typo.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await typo.Content.ReadAsStringAsync()).ShouldContain("gemini-2.5-flash");

        (await Http.PutAsJsonAsync("/api/settings/defaults", new { auth = "gemini/bed", tools = new[] { "read_file" }, approve = "ask" })).EnsureSuccessStatusCode();
        var created = await Http.PostAsJsonAsync("/api/sessions", new { name = "defaulted" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var session = await created.Content.ReadFromJsonAsync<JsonElement>();
        session.GetProperty("auth").GetString().ShouldBe("gemini/bed");
        session.GetProperty("model").GetString().ShouldBe("gemini-2.5-flash");
        session.GetProperty("tools").EnumerateArray().Select(t => t.GetString()).ShouldBe(["read_file"]);
        session.GetProperty("policy").GetProperty("default").GetString().ShouldBe("ask");

        var form = await Http.GetStringAsync("/sessions/new");
        form.ShouldContain("<option value=\"gemini/bed\" selected");
    }
}
