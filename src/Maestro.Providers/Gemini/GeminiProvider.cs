using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>Google Gemini (the public Gemini API, generativelanguage.googleapis.com), with API keys or Google OAuth.</summary>
public sealed class GeminiProvider : IProvider
{
    public const string Id = "gemini";

    /// <summary>Stable, fast, with thinking and a free tier: the model used when a session names none.</summary>
    public const string DefaultModel = "gemini-2.5-flash";

    private readonly GeminiOptions _options;
    private readonly GeminiErrorMapper _errors = new();
    private readonly GeminiModelCatalog _catalog;

    public GeminiProvider(GeminiOptions options)
    {
        _options = options;
        _catalog = new GeminiModelCatalog(options, _errors);
        Descriptor = new ProviderDescriptor(
            Id,
            "Google Gemini",
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
            "API keys come from Google AI Studio. OAuth signs in with your Google account through an OAuth client you " +
            "configure (GEMINI_OAUTH_CLIENT_ID/SECRET); requests are billed to GEMINI_USER_PROJECT or the login's project.",
            DefaultModel);
    }

    public ProviderDescriptor Descriptor { get; }

    public IChatClient CreateChatClient(ProviderConnection connection) => new GeminiChatClient(connection, _options, _errors);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        _catalog.ListAsync(connection, cancellationToken);
}
