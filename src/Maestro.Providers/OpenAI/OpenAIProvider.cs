using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Usage;
using Maestro.Providers.OpenAI.ChatGpt;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// OpenAI through the Responses API: chat with tools, images and replayable reasoning; the live model list. API keys go
/// to api.openai.com; ChatGPT logins (OAuth, mode <c>chatgpt</c>) to the ChatGPT Codex backend (<see cref="ChatGptBackend"/>).
/// </summary>
public sealed class OpenAIProvider(OpenAIOptions options) : IProvider, IPassThroughProvider
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
            ProviderFeatures.TextFiles,
            ProviderFeatures.Reasoning,
            ProviderFeatures.ReasoningReplay,
            ProviderFeatures.ModelListing,
            ProviderFeatures.OAuth,
        },
        options.BaseUrl,
        "API keys from platform.openai.com. Requests use the Responses API statelessly (store=false): nothing is kept " +
        "at OpenAI between turns, and encrypted reasoning is sent back with the history. ChatGPT (Plus/Pro) logins are " +
        "served by the backend OpenAI built for its Codex apps (chatgpt.com/backend-api/codex) and count against the plan's " +
        "usage limits; Maestro identifies as itself there, so OpenAI may refuse or restrict it. Those logins take no " +
        "max_output_tokens, temperature or top_p.",
        options.DefaultModel);

    /// <summary>Used when no model is given (OPENAI_DEFAULT_MODEL): a current reasoning model every API account can use.</summary>
    public const string DefaultModel = "gpt-5-mini";

    private readonly OpenAISigner _signer = new(options);

    // The auth chooses the backend: a ChatGPT login is served by the ChatGPT Codex backend, everything else by the API.
    public ProviderEndpoint Endpoint(ProviderConnection connection) =>
        ChatGptBackend.Serves(connection.Auth)
            ? ChatGptBackend.Endpoint(connection, options)
            : new(connection, _signer, OpenAIErrorMapper.Instance) { Quota = OpenAIQuotaReader.Instance };

    public IChatClient CreateChatClient(ProviderConnection connection) =>
        ChatGptBackend.Serves(connection.Auth)
            ? new ChatGptChatClient(Endpoint(connection), options)
            : new OpenAIChatClient(Endpoint(connection), options);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        ChatGptBackend.Serves(connection.Auth)
            ? ChatGptModelCatalog.ListAsync(Endpoint(connection), cancellationToken)
            : OpenAIModelCatalog.ListAsync(Endpoint(connection), cancellationToken);

    // A ChatGPT login is served the Codex models only; the API's default would be refused there.
    public string? DefaultModelFor(AuthRecord auth) => ChatGptBackend.Serves(auth) ? options.ChatGptDefaultModel : options.DefaultModel;

    public ModelInfo? DescribeModel(string modelId) =>
        OpenAIModels.Find(modelId) is null ? null : OpenAIModelCatalog.Enrich(new ModelInfo(modelId, OwnedBy: "openai"));

    public PriceList Prices => OpenAIPrices.List;

    public WireApi? NativeApi(AuthRecord auth) => WireApi.Responses;

    /// <summary>
    /// API keys take Responses and Chat Completions requests as they are. ChatGPT logins do not: their backend refuses
    /// fields the public API takes and requires others, so their requests are translated.
    /// </summary>
    public PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null) =>
        ChatGptBackend.Serves(connection.Auth) || method is not null ? null
        : api switch
        {
            WireApi.Responses => new PassThroughEndpoint(OpenAIEndpoints.Resolve(connection.BaseUrl, "responses")),
            WireApi.ChatCompletions => new PassThroughEndpoint(OpenAIEndpoints.Resolve(connection.BaseUrl, "chat/completions")),
            _ => null,
        };
}
