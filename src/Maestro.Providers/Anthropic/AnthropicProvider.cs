using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Usage;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Anthropic;

/// <summary>Anthropic's Messages API: API keys, and OAuth logins sent with the documented OAuth headers.</summary>
public sealed class AnthropicProvider(AnthropicOptions options) : IProvider, IPassThroughProvider
{
    public const string Id = "anthropic";

    public ProviderDescriptor Descriptor { get; } = new(
        Id,
        "Anthropic",
        [AuthType.ApiKey, AuthType.OAuth],
        new HashSet<string>(StringComparer.Ordinal)
        {
            ProviderFeatures.Streaming,
            ProviderFeatures.Tools,
            ProviderFeatures.Images,
            ProviderFeatures.TextFiles,
            ProviderFeatures.Reasoning,
            ProviderFeatures.ReasoningReplay,
            ProviderFeatures.ModelListing,
            ProviderFeatures.OAuth,
        },
        options.BaseUrl,
        "API keys work everywhere. Anthropic permits Claude subscription (OAuth) logins only in its own apps; Maestro "
        + "sends such a login with Anthropic's documented OAuth headers and never presents itself as another product.",
        options.DefaultModel);

    public ProviderEndpoint Endpoint(ProviderConnection connection) =>
        new(connection, AnthropicSigner.Instance, AnthropicErrorMapper.Instance) { Quota = AnthropicQuotaReader.Instance };

    public IChatClient CreateChatClient(ProviderConnection connection) => new AnthropicChatClient(Endpoint(connection), options);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        AnthropicModelCatalog.ListAsync(Endpoint(connection), options, cancellationToken);

    public ModelInfo? DescribeModel(string modelId) =>
        AnthropicModels.Find(modelId) is { } family
            ? new ModelInfo(modelId, null, family.ContextWindow, family.MaxOutputTokens, OwnedBy: "anthropic",
                Capabilities: family.Thinking == AnthropicThinkingStyle.None ? ["chat", "tools", "images"] : ["chat", "tools", "images", "reasoning"])
            : null;

    public PriceList Prices => AnthropicPrices.List;

    public WireApi? NativeApi(AuthRecord auth) => WireApi.Messages;

    public PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null) =>
        AnthropicPassThrough.For(connection, options, api, method);
}
