using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Usage;
using Maestro.Providers.Gemini.CodeAssist;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Google Gemini (the public Gemini API, generativelanguage.googleapis.com), with API keys or Google OAuth; OAuth auths in
/// Code Assist mode are served by Google's Code Assist server instead (<see cref="CodeAssistMode"/>).
/// </summary>
public sealed class GeminiProvider : IProvider, IPassThroughProvider
{
    public const string Id = "gemini";

    /// <summary>Stable, fast, with thinking and a free tier: the model used when a session names none.</summary>
    public const string DefaultModel = "gemini-2.5-flash";

    private readonly GeminiOptions _options;
    private readonly GeminiErrorMapper _errors = new();
    private readonly GeminiSigner _signer;
    private readonly GeminiModelCatalog _catalog;
    private readonly CodeAssistModelCatalog _codeAssistCatalog;

    /// <summary>Without storage: a Code Assist login's project is kept in memory only (adapter tests).</summary>
    public GeminiProvider(GeminiOptions options)
        : this(options, new CodeAssistSetup(options, null, new GeminiErrorMapper()))
    {
    }

    public GeminiProvider(GeminiOptions options, CodeAssistSetup codeAssist)
    {
        _options = options;
        _signer = new GeminiSigner(options);
        _catalog = new GeminiModelCatalog(options);
        CodeAssist = codeAssist;
        _codeAssistCatalog = new CodeAssistModelCatalog(codeAssist);
        Descriptor = new ProviderDescriptor(
            Id,
            "Google Gemini",
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
            "API keys come from Google AI Studio. OAuth signs in with your Google account through an OAuth client you " +
            "configure (GEMINI_OAUTH_CLIENT_ID/SECRET); requests are billed to GEMINI_USER_PROJECT or the login's project. " +
            "OAuth auths in Code Assist mode use Google's Code Assist server (the one Gemini Code Assist and Gemini CLI use), " +
            "for accounts Google lets use it; the login's Code Assist project is set up at first use.",
            options.DefaultModel);
    }

    public ProviderDescriptor Descriptor { get; }

    /// <summary>Code Assist onboarding; the login flow may call <see cref="CodeAssistSetup.EnsureProjectAsync"/> right after login.</summary>
    public CodeAssistSetup CodeAssist { get; }

    // The auth chooses the backend: Code Assist logins go to the Code Assist server, everything else to the Gemini API.
    public ProviderEndpoint Endpoint(ProviderConnection connection) =>
        CodeAssistMode.Serves(connection.Auth)
            ? CodeAssistMode.Endpoint(connection, _options, _errors)
            : new(connection, _signer, _errors) { Quota = GeminiQuotaReader.Instance };

    public IChatClient CreateChatClient(ProviderConnection connection) =>
        CodeAssistMode.Serves(connection.Auth)
            ? new CodeAssistChatClient(Endpoint(connection), CodeAssist, _errors)
            : new GeminiChatClient(Endpoint(connection), _errors);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        CodeAssistMode.Serves(connection.Auth)
            ? _codeAssistCatalog.ListAsync(Endpoint(connection), cancellationToken)
            : _catalog.ListAsync(Endpoint(connection), cancellationToken);

    public ModelInfo? DescribeModel(string modelId)
    {
        var model = GeminiModel.Parse(modelId);
        if (!model.IsGemini)
        {
            return null;
        }

        IReadOnlyList<string> capabilities = model.Thinking == GeminiThinkingStyle.None ? ["chat", "tools", "images"] : ["chat", "tools", "images", "reasoning"];
        return new ModelInfo(model.Id, null, model.ContextWindow, model.DefaultMaxOutputTokens, OwnedBy: "google", Capabilities: capabilities);
    }

    public PriceList Prices => GeminiPrices.List;

    public WireApi? NativeApi(AuthRecord auth) => WireApi.GenerateContent;

    /// <summary>The Gemini API takes generateContent requests as they are; Code Assist wraps them in an envelope, so they are translated.</summary>
    public PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null) =>
        api != WireApi.GenerateContent || CodeAssistMode.Serves(connection.Auth) || method is not (null or IPassThroughProvider.CountTokens)
            ? null
            : new PassThroughEndpoint(
                method is null ? GeminiEndpoints.Generate(connection.BaseUrl, model, stream) : GeminiEndpoints.Method(connection.BaseUrl, model, "countTokens"));
}
