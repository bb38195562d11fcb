using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>OpenAI through the Responses API: chat with tools, images and replayable reasoning; the live model list.</summary>
public sealed class OpenAIProvider(OpenAIOptions options) : IProvider
{
    public const string Id = "openai";

    public ProviderDescriptor Descriptor { get; } = new(
        Id,
        "OpenAI",
        [AuthType.ApiKey, AuthType.OAuth],
        new HashSet<string>(StringComparer.Ordinal)
        {
            ProviderFeatures.Streaming,
            ProviderFeatures.Tools,
            ProviderFeatures.Images,
            ProviderFeatures.Reasoning,
            ProviderFeatures.ReasoningReplay,
            ProviderFeatures.ModelListing,
            ProviderFeatures.OAuth,
        },
        options.BaseUrl,
        "API keys from platform.openai.com. Requests use the Responses API statelessly (store=false): nothing is kept " +
        "at OpenAI between turns, and encrypted reasoning is sent back with the history.",
        DefaultModel);

    /// <summary>Used when no model is given: a current reasoning model every API account can use.</summary>
    public const string DefaultModel = "gpt-5-mini";

    public IChatClient CreateChatClient(ProviderConnection connection) => new OpenAIChatClient(connection, options);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        OpenAIModelCatalog.ListAsync(connection, options, cancellationToken);
}
