using Maestro.Core.Providers;
using Maestro.Core.Providers.Saved;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Tests.Providers.OpenAICompatible;

/// <summary>
/// How the registry's view follows the saved set: a reload with nothing changed keeps every instance (so auths keep
/// their pipelines), an edit replaces only the edited provider, and a built-in or declared id wins over a saved one.
/// </summary>
public sealed class SavedProviderRegistryTests
{
    private readonly MemoryStore _store = new();
    private readonly CompatibleProviderFactory _factory = new();

    [Fact]
    public async Task Reloads_keep_unchanged_providers_and_replace_edited_ones()
    {
        var ct = TestContext.Current.CancellationToken;
        _store.Rows = [Declaration("alpha", "http://127.0.0.1:1/v1"), Declaration("beta", "http://127.0.0.1:2/v1")];
        await using var set = new SavedProviderSet(_store, _factory, NullLogger<SavedProviderSet>.Instance);
        var registry = new ProviderRegistry([Fixed("fixed")], [], set);

        var alpha = registry.Get("alpha");
        var beta = registry.Get("beta");
        registry.All.Select(p => p.Descriptor.Id).ShouldBe(["alpha", "beta", "fixed"]);

        var before = set.Current;
        (await set.LoadAsync(ct)).ShouldBeSameAs(before, "nothing changed: the same generation");

        _store.Rows = [Declaration("alpha", "http://127.0.0.1:1/v1"), Declaration("beta", "http://127.0.0.1:3/v1")];
        await set.LoadAsync(ct);

        registry.Get("alpha").ShouldBeSameAs(alpha);
        registry.Get("beta").ShouldNotBeSameAs(beta);
        registry.Get("beta").Descriptor.DefaultBaseUrl.ShouldBe(new Uri("http://127.0.0.1:3/v1"));

        _store.Rows = [Declaration("alpha", "http://127.0.0.1:1/v1")];
        await set.LoadAsync(ct);
        registry.TryGet("beta", out _).ShouldBeFalse();
        registry.UnknownMessage("beta").ShouldContain("alpha, fixed");
    }

    [Fact]
    public async Task A_fixed_provider_wins_over_a_saved_one_with_its_id()
    {
        _store.Rows = [Declaration("fixed", "http://127.0.0.1:1/v1")];
        await using var set = new SavedProviderSet(_store, _factory, NullLogger<SavedProviderSet>.Instance);
        var registry = new ProviderRegistry([Fixed("fixed")], [], set);

        registry.Get("fixed").Descriptor.Source.ShouldBe(ProviderSources.BuiltIn);
        registry.All.Count.ShouldBe(1);
        registry.Fixed("fixed").ShouldNotBeNull();
    }

    [Fact]
    public void Saved_providers_say_where_they_come_from_and_round_trip_their_fields()
    {
        var declaration = _factory.Parse(new Dictionary<string, string?>
        {
            ["id"] = "raw",
            ["base_url"] = "http://127.0.0.1:1/v1",
            ["auth_header"] = "api-key",
            ["auth_scheme"] = "",
            ["api_key_required"] = "no",
            ["default_max_tokens"] = "512",
        });

        declaration.AuthScheme.ShouldBe("", "a header other than Authorization carries the raw key");
        declaration.ApiKeyRequired.ShouldBeFalse();
        var provider = _factory.Create(declaration);
        provider.Descriptor.Source.ShouldBe(ProviderSources.Saved);
        provider.Descriptor.Supports(ProviderFeatures.ApiKeyOptional).ShouldBeTrue();
        _factory.DeclarationOf(provider).ShouldBe(declaration);
        _factory.Parse(declaration.ToFields()).ShouldBe(declaration);
    }

    private ProviderDeclaration Declaration(string id, string baseUrl) =>
        _factory.Parse(new Dictionary<string, string?> { ["id"] = id, ["base_url"] = baseUrl });

    private static BuiltInLike Fixed(string id) =>
        new BuiltInLike(new CompatibleProvider(new CompatibleProviderSettings(id, id, new Uri("http://127.0.0.1:9/v1"))));

    /// <summary>A provider whose descriptor says built-in (the registry treats every fixed provider alike).</summary>
    private sealed class BuiltInLike(IProvider inner) : IProvider
    {
        public ProviderDescriptor Descriptor { get; } = inner.Descriptor with { Source = ProviderSources.BuiltIn };

        public ProviderEndpoint Endpoint(ProviderConnection connection) => inner.Endpoint(connection);

        public Microsoft.Extensions.AI.IChatClient CreateChatClient(ProviderConnection connection) => inner.CreateChatClient(connection);

        public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
            inner.ListModelsAsync(connection, cancellationToken);
    }

    private sealed class MemoryStore : IProviderDeclarationStore
    {
        public IReadOnlyList<ProviderDeclaration> Rows { get; set; } = [];

        public Task<IReadOnlyList<ProviderDeclaration>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(Rows);

        public Task AddAsync(ProviderDeclaration declaration, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> UpdateAsync(ProviderDeclaration declaration, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ListenAsync(Func<CancellationToken, Task> changed, TaskCompletionSource listening, CancellationToken cancellationToken) =>
            Task.Delay(Timeout.Infinite, cancellationToken);
    }
}
