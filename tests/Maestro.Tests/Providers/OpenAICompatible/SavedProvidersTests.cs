using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Saved;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>
/// OpenAI-compatible providers saved in the database: the registry follows adds, edits and removes without a restart,
/// in this process at once and in another one on the same database (LISTEN/NOTIFY); an edit reaches the next call.
/// </summary>
public sealed class SavedProvidersTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private EmulatorServer _emulator = null!;

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "savedproviders");
        _env.Settings["MAESTRO_COMPAT_PROVIDERS"] = "declared";
        _env.Settings["MAESTRO_COMPAT_DECLARED_BASE_URL"] = "http://127.0.0.1:9/v1";
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _env.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    private string EmulatorUrl => $"{_emulator.ProviderUrl(EmulatorProviders.OpenAI).AbsoluteUri.TrimEnd('/')}/v1";

    [Fact]
    public async Task Two_instances_on_one_database_see_each_others_changes()
    {
        var ct = TestContext.Current.CancellationToken;
        var first = _env.Services();
        var second = _env.Services();
        var secondRegistry = second.GetRequiredService<ProviderRegistry>();
        secondRegistry.TryGet("local-llm", out _).ShouldBeFalse();
        await second.GetRequiredService<SavedProviderSet>().StartAsync(ct);

        var saved = first.GetRequiredService<SavedProviders>();
        await saved.AddAsync(Fields(("id", "local-llm"), ("base_url", EmulatorUrl), ("display_name", "Local LLM"), ("default_model", "gpt-4o-mini")), ct);

        // The writer's registry has it at once; the other process as soon as it hears the notification.
        first.GetRequiredService<ProviderRegistry>().Get("local-llm").Descriptor.Source.ShouldBe(ProviderSources.Saved);
        await Eventually.UntilAsync(() => secondRegistry.TryGet("local-llm", out _), "the second instance to see the new provider");
        var seen = secondRegistry.Get("local-llm").Descriptor;
        seen.DisplayName.ShouldBe("Local LLM");
        seen.DefaultModel.ShouldBe("gpt-4o-mini");

        await saved.UpdateAsync("local-llm", Fields(("base_url", "http://127.0.0.1:8/v1")), ct);
        await Eventually.UntilAsync(
            () => secondRegistry.Get("local-llm").Descriptor.DefaultBaseUrl == new Uri("http://127.0.0.1:8/v1"), "the second instance to see the edit");
        secondRegistry.Get("local-llm").Descriptor.DisplayName.ShouldBe("Local LLM", "an edit changes only the fields it names");

        await saved.RemoveAsync("local-llm", ct);
        await Eventually.UntilAsync(() => !secondRegistry.TryGet("local-llm", out _), "the second instance to drop the removed provider");
        secondRegistry.TryGet("openai", out _).ShouldBeTrue();
        secondRegistry.TryGet("declared", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Editing_the_base_url_takes_effect_for_the_next_call()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = _env.Services();
        var saved = services.GetRequiredService<SavedProviders>();
        await saved.AddAsync(Fields(("id", "movable"), ("base_url", $"http://127.0.0.1:{ClosedPort()}/v1")), ct);
        await services.GetRequiredService<AuthService>().CreateApiKeyAsync("movable", "work", "key-movable", null, ct);
        var connections = services.GetRequiredService<ProviderConnections>();
        var options = new ChatOptions { ModelId = "gpt-4o-mini" };

        var client = await connections.CreateChatClientAsync(new AuthRef("movable", "work"), ct);
        var refused = await Should.ThrowAsync<ProviderException>(() => client.GetResponseAsync([new(ChatRole.User, "Hi")], options, ct));
        refused.Kind.ShouldBe(ProviderErrorKind.Transport);

        await saved.UpdateAsync("movable", Fields(("base_url", EmulatorUrl)), ct);
        _emulator.Control.Enqueue("key-movable", ScriptedResponse.FromText("Moved."));
        var moved = await connections.CreateChatClientAsync(new AuthRef("movable", "work"), ct);
        var answer = await moved.GetResponseAsync([new(ChatRole.User, "Hi")], options, ct);

        answer.Text.ShouldBe("Moved.");
        _emulator.Control.Requests("key-movable").Single().Path.ShouldBe("/openai/v1/chat/completions");
    }

    [Fact]
    public async Task Removing_a_provider_that_auths_use_is_refused_naming_them()
    {
        var ct = TestContext.Current.CancellationToken;
        var services = _env.Services();
        var saved = services.GetRequiredService<SavedProviders>();
        await saved.AddAsync(Fields(("id", "busy"), ("base_url", EmulatorUrl), ("api_key_required", "false")), ct);
        var auths = services.GetRequiredService<AuthService>();
        await auths.CreateApiKeyAsync("busy", "one", null, null, ct);
        await auths.CreateApiKeyAsync("busy", "two", null, null, ct);

        var refused = await Should.ThrowAsync<ConflictException>(() => saved.RemoveAsync("busy", ct));

        refused.Message.ShouldContain("busy/one");
        refused.Message.ShouldContain("busy/two");
        services.GetRequiredService<ProviderRegistry>().TryGet("busy", out _).ShouldBeTrue();
        (await saved.ListAsync(ct)).ShouldContain(p => p.Declaration.Id == "busy");
    }

    [Fact]
    public async Task A_saved_id_may_not_reuse_a_built_in_or_declared_one_and_declared_ones_are_read_only()
    {
        var ct = TestContext.Current.CancellationToken;
        var saved = _env.Services().GetRequiredService<SavedProviders>();

        var builtIn = await Should.ThrowAsync<ValidationFailedException>(() => saved.AddAsync(Fields(("id", "openai"), ("base_url", EmulatorUrl)), ct));
        builtIn.Errors["id"].Single().ShouldContain("built-in");
        var declared = await Should.ThrowAsync<ValidationFailedException>(() => saved.AddAsync(Fields(("id", "declared"), ("base_url", EmulatorUrl)), ct));
        declared.Errors["id"].Single().ShouldContain("MAESTRO_COMPAT_PROVIDERS");
        var edit = await Should.ThrowAsync<ValidationFailedException>(() => saved.UpdateAsync("declared", Fields(("base_url", EmulatorUrl)), ct));
        edit.Errors["id"].Single().ShouldContain("declared in MAESTRO_COMPAT_PROVIDERS");

        var listed = (await saved.ListAsync(ct)).Single(p => p.Declaration.Id == "declared");
        listed.Source.ShouldBe("MAESTRO_COMPAT_PROVIDERS");
        listed.Editable.ShouldBeFalse();
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_by_name()
    {
        var saved = _env.Services().GetRequiredService<SavedProviders>();

        var error = await Should.ThrowAsync<ValidationFailedException>(() => saved.AddAsync(Fields(
            ("id", "Bad Id"), ("base_url", "ftp://host"), ("auth_scheme", "Bearer\r\nX-Injected: 1"), ("max_tokens_field", "tokens"),
            ("default_max_tokens", "-3"), ("api_key_required", "maybe"), ("colour", "red")), TestContext.Current.CancellationToken));

        error.Errors.Keys.Order().ShouldBe(["api_key_required", "auth_scheme", "base_url", "colour", "default_max_tokens", "id", "max_tokens_field"]);
        error.Errors["base_url"].Single().ShouldContain("is not an absolute http(s) URL");
        error.Errors["id"].Single().ShouldContain("not a valid provider id");
    }

    private static Dictionary<string, string?> Fields(params (string Name, string? Value)[] fields) =>
        fields.ToDictionary(f => f.Name, f => f.Value, StringComparer.Ordinal);

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
