using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Context;
using Maestro.Core.Models;
using Maestro.Core.Sessions;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Models;

/// <summary>
/// The catalog against the emulator's live lists: the documented default resolved to a dated id, windows and prices
/// with no set-up, model validation on create and edit (API and CLI as a process), and context accounting.
/// </summary>
public sealed class ModelCatalogTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;

    private HttpClient Http => _server.Client;

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "catalog");
        _server = await WebServer.StartAsync(_bed.Env);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task The_default_model_is_the_documented_one_resolved_to_its_dated_id_never_the_first_listed()
    {
        var anthropic = new AuthRef("anthropic", "bed");
        var chosen = await _bed.Get<DefaultModels>().ResolveAsync(anthropic, null, CancellationToken.None);
        chosen.ShouldBe("claude-sonnet-4-5-20250929", "the emulator lists claude-opus-4-5 first, like the real API");

        (await _bed.Get<DefaultModels>().ResolveAsync(new AuthRef("gemini", "bed"), null, CancellationToken.None)).ShouldBe("gemini-2.5-flash");

        // The alias gets the window the live list (or the provider's table) gives its dated id, not the 128k fallback.
        (await _bed.Get<ContextWindows>().ForAsync(anthropic, "claude-sonnet-4-5", CancellationToken.None)).ShouldBe(200_000);
        (await _bed.Get<ContextWindows>().ForAsync(new AuthRef("openai", "bed"), "gpt-4.1", CancellationToken.None)).ShouldBe(1_047_576);

        // A session created without a model gets the same one, from the API as from the CLI.
        var created = await Http.PostAsJsonAsync("/api/sessions", new { name = "no-model", auth = "anthropic/bed" });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("model").GetString().ShouldBe("claude-sonnet-4-5-20250929");
    }

    [Fact]
    public async Task The_model_list_carries_windows_capabilities_and_built_in_prices()
    {
        var list = await Http.GetFromJsonAsync<JsonElement>("/api/auths/anthropic/bed/models");
        var sonnet = list.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("id").GetString() == "claude-sonnet-4-5-20250929");
        sonnet.GetProperty("context_window").GetInt32().ShouldBe(200_000);
        sonnet.GetProperty("max_output_tokens").GetInt32().ShouldBe(64_000);
        sonnet.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ShouldContain("reasoning");
        var price = sonnet.GetProperty("price");
        price.GetProperty("input").GetDecimal().ShouldBe(3m);
        price.GetProperty("output").GetDecimal().ShouldBe(15m);
        price.GetProperty("cached_input").GetDecimal().ShouldBe(0.3m);
        price.GetProperty("cache_write").GetDecimal().ShouldBe(3.75m);
        price.GetProperty("source").GetString().ShouldBe("built-in");
        price.GetProperty("checked").GetString().ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task An_unknown_model_is_refused_on_create_and_edit_naming_the_field_and_close_matches_unless_forced()
    {
        var typo = await Http.PostAsJsonAsync("/api/sessions", new { name = "typo", auth = "anthropic/bed", model = "claude-sonet-4-5" });
        typo.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var message = (await typo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("model")[0].GetString()!;
        message.ShouldContain("'claude-sonet-4-5' is not a model anthropic/bed offers");
        message.ShouldContain("claude-sonnet-4-5-20250929");
        message.ShouldContain("force");

        (await Http.PostAsJsonAsync("/api/sessions", new { name = "alias", auth = "anthropic/bed", model = "claude-sonnet-4-5" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var edit = await Http.PatchAsJsonAsync("/api/sessions/alias", new { model = "gpt-9-turbo" });
        edit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Http.GetFromJsonAsync<JsonElement>("/api/sessions/alias")).GetProperty("model").GetString().ShouldBe("claude-sonnet-4-5", "nothing saved is lost");

        // An endpoint that serves unlisted models: the user forces it.
        (await Http.PatchAsJsonAsync("/api/sessions/alias", new { model = "gpt-9-turbo", force_model = true })).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Switching auth re-checks the model against the new auth's list.
        var moved = await Http.PatchAsJsonAsync("/api/sessions/alias", new { auth = "openai/bed", model = "claude-sonnet-4-5" });
        moved.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("model", out _).ShouldBeTrue();

        // Editing anything else keeps a forced model.
        (await Http.PatchAsJsonAsync("/api/sessions/alias", new { system_prompt = "Be brief." })).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Creates_naming_an_unlisted_model_ask_the_provider_again_only_once_the_cached_list_is_a_minute_old()
    {
        int ListRequests() => _bed.Requests("anthropic").Count(r => r.Method == "GET" && r.Path.Contains("/v1/models", StringComparison.Ordinal));
        async Task CreateTypoAsync(string name) =>
            (await Http.PostAsJsonAsync("/api/sessions", new { name, auth = "anthropic/bed", model = "claude-sonet-4-5" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        await CreateTypoAsync("typo-first");
        var fetched = ListRequests();
        fetched.ShouldBeGreaterThan(0, "the first create fetches the live list");
        for (var i = 0; i < 5; i++)
        {
            await CreateTypoAsync($"typo-{i}");
        }

        ListRequests().ShouldBe(fetched, "the list just fetched answers the next creates: no live fetch per request");
    }

    [Fact]
    public async Task The_cli_refuses_an_unknown_model_with_close_matches_and_takes_it_with_force_model()
    {
        var refused = await CliRunner.RunAsync(_bed.Env, "session", "create", "cli-typo", "--auth", "anthropic/bed", "--model", "claude-sonet-4-5");
        refused.ExitCode.ShouldNotBe(0, refused.ToString());
        refused.Stderr.ShouldContain("model");
        refused.Stderr.ShouldContain("claude-sonnet-4-5-20250929");
        refused.Stderr.ShouldContain("--force-model");

        var forced = await CliRunner.RunAsync(_bed.Env, "session", "create", "cli-typo", "--auth", "anthropic/bed", "--model", "claude-sonet-4-5", "--force-model");
        forced.ExitCode.ShouldBe(0, forced.ToString());

        var edit = await CliRunner.RunAsync(_bed.Env, "session", "edit", "cli-typo", "--model", "claude-haiku-4-5");
        edit.ExitCode.ShouldBe(0, edit.ToString());
        var bad = await CliRunner.RunAsync(_bed.Env, "session", "edit", "cli-typo", "--model", "claude-haiku-9");
        bad.ExitCode.ShouldNotBe(0, bad.ToString());
        bad.Stderr.ShouldContain("claude-haiku-4-5-20251001");
    }

    [Fact]
    public async Task The_context_counts_the_system_prompt_and_tools_and_is_calibrated_with_the_reported_input()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "accounting", new SessionSpec { SystemPrompt = "You are a careful reviewer." });
        var context = _bed.Get<ContextService>();
        var before = await context.ListAsync(session, CancellationToken.None);
        before.ToolCount.ShouldBe(8);
        before.ToolTokens.ShouldBeGreaterThan(100);
        before.InstructionTokens.ShouldBeGreaterThan(0);
        before.Calibration.ShouldBeNull();
        before.TotalTokens.ShouldBe(before.InstructionTokens + before.ToolTokens);

        _bed.Script("anthropic", ScriptedResponse.FromText("Done.") with { Usage = new ScriptedUsage { InputTokens = 3081, OutputTokens = 3 } });
        await _bed.RunTurnAsync(session, "Hello there");

        var after = await context.ListAsync(await _bed.Get<SessionService>().GetAsync(session.Id, CancellationToken.None), CancellationToken.None);
        var calibration = after.Calibration.ShouldNotBeNull();
        calibration.ReportedInputTokens.ShouldBe(3081);
        calibration.EstimatedTokens.ShouldBe(before.EstimatedTokens + after.Chunks[0].Tokens, "the estimate of what that call saw: system prompt, tools, the question");
        calibration.Factor.ShouldBe(Math.Round(3081.0 / calibration.EstimatedTokens, 3));
        after.TotalTokens.ShouldBe((int)Math.Round(after.EstimatedTokens * calibration.Factor));

        var page = await Http.GetStringAsync("/sessions/accounting/context");
        page.ShouldContain("tools (8)");
        page.ShouldContain("3,081");
    }

    [Fact]
    public async Task Usage_has_a_cost_with_no_price_set_up()
    {
        var session = await _bed.CreateSessionAsync("anthropic", "costly");
        _bed.Script("anthropic", ScriptedResponse.FromText("Priced.") with { Usage = new ScriptedUsage { InputTokens = 1_000_000, OutputTokens = 100_000 } });
        await _bed.RunTurnAsync(session, "How much?");

        var usage = await Http.GetFromJsonAsync<JsonElement>("/api/sessions/costly/usage");
        usage.GetProperty("cost").GetDecimal().ShouldBe(3m + 1.5m);
    }

    [Fact]
    public async Task A_session_bills_each_call_in_its_own_tier_of_the_long_context_price()
    {
        var session = await _bed.CreateSessionAsync("gemini", "long-prompts", new SessionSpec { Model = "gemini-2.5-pro", AutoCompact = false });
        _bed.Script("gemini", ScriptedResponse.FromText("Short.") with { Usage = new ScriptedUsage { InputTokens = 100_000, OutputTokens = 1_000 } });
        await _bed.RunTurnAsync(session, "A short prompt");
        _bed.Script("gemini", ScriptedResponse.FromText("Long.") with { Usage = new ScriptedUsage { InputTokens = 300_000, OutputTokens = 2_000 } });
        await _bed.RunTurnAsync(session, "A long prompt");

        var usage = await Http.GetFromJsonAsync<JsonElement>("/api/sessions/long-prompts/usage");

        // 100k in and 1k out at $1.25 / $10; 300k in and 2k out, all at $2.50 / $15 (the prompt was above 200k). Summed
        // first, the two calls would cost $0.53 (all standard) or $1.045 (all long-context).
        usage.GetProperty("cost").GetDecimal().ShouldBe(0.135m + 0.78m);
        var pro = usage.GetProperty("by_model").EnumerateArray().ShouldHaveSingleItem();
        pro.GetProperty("input_tokens").GetInt64().ShouldBe(400_000);
        pro.GetProperty("messages").GetInt64().ShouldBe(2);
    }
}
