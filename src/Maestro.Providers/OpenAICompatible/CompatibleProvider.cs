using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Providers.OpenAI;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>An OpenAI-compatible endpoint (Ollama, vLLM, OpenRouter, Groq, LM Studio, …) speaking Chat Completions.</summary>
public sealed class CompatibleProvider : IProvider, IPassThroughProvider
{
    /// <summary>The endpoint needs no key (see <see cref="CompatibleProviderSettings.ApiKeyRequired"/>).</summary>
    public const string ApiKeyOptionalFeature = ProviderFeatures.ApiKeyOptional;

    public CompatibleProvider(CompatibleProviderSettings settings)
    {
        Settings = settings;
        var features = new HashSet<string>(StringComparer.Ordinal)
        {
            ProviderFeatures.Streaming, ProviderFeatures.Tools, ProviderFeatures.Images, ProviderFeatures.ModelListing,
        };
        if (!settings.ApiKeyRequired)
        {
            features.Add(ApiKeyOptionalFeature);
        }

        Descriptor = new ProviderDescriptor(
            settings.Id,
            settings.DisplayName,
            [AuthType.ApiKey],
            features,
            settings.BaseUrl,
            $"OpenAI-compatible endpoint declared in {settings.DeclaredIn} (Chat Completions at {settings.BaseUrl}).",
            settings.DefaultModel);
    }

    public CompatibleProviderSettings Settings { get; }

    public ProviderDescriptor Descriptor { get; }

    public IChatClient CreateChatClient(ProviderConnection connection) => new CompatibleChatClient(connection, Settings);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        ModelListReader.ListAllAsync(
            connection,
            Settings.Endpoint(connection.BaseUrl, Settings.ModelsPath),
            (credentials, url) => CompatibleRequests.Create(connection, Settings, credentials, HttpMethod.Get, url, content: null, stream: false),
            enrich: null,
            cancellationToken);

    public WireApi? NativeApi(AuthRecord auth) => WireApi.ChatCompletions;

    public PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null) =>
        api != WireApi.ChatCompletions || method is not null
            ? null
            : new PassThroughEndpoint(
                Settings.Endpoint(connection.BaseUrl, Settings.ChatPath),
                (request, credentials) => CompatibleRequests.Authorize(request, connection, Settings, credentials),
                OpenAIErrorMapper.Instance);
}
