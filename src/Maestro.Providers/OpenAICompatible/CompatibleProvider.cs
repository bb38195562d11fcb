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

    private readonly CompatibleSigner _signer;

    public CompatibleProvider(CompatibleProviderSettings settings)
    {
        Settings = settings;
        _signer = new CompatibleSigner(settings);
        var features = new HashSet<string>(StringComparer.Ordinal)
        {
            ProviderFeatures.Streaming, ProviderFeatures.Tools, ProviderFeatures.Images, ProviderFeatures.TextFiles, ProviderFeatures.ModelListing,
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
            settings.DeclaredIn == ProviderSources.Saved
                ? $"OpenAI-compatible endpoint saved in the settings (Chat Completions at {settings.BaseUrl})."
                : $"OpenAI-compatible endpoint declared in {settings.DeclaredIn} (Chat Completions at {settings.BaseUrl}).",
            settings.DefaultModel,
            SourceOf(settings));
    }

    public CompatibleProviderSettings Settings { get; }

    public ProviderDescriptor Descriptor { get; }

    public ProviderEndpoint Endpoint(ProviderConnection connection) =>
        new(connection, _signer, OpenAIErrorMapper.Instance) { Quota = OpenAIQuotaReader.Instance };

    public IChatClient CreateChatClient(ProviderConnection connection) => new CompatibleChatClient(Endpoint(connection), Settings);

    public Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken) =>
        ModelListReader.ListAllAsync(Endpoint(connection), Settings.Endpoint(connection.BaseUrl, Settings.ModelsPath), enrich: null, cancellationToken);

    /// <summary>The variable or the file name (providers.json) the declaration comes from, or "settings".</summary>
    private static string SourceOf(CompatibleProviderSettings settings) =>
        settings.DeclaredIn is CompatibleProviderDeclarations.ListVariable or ProviderSources.Saved
            ? settings.DeclaredIn
            : Path.GetFileName(settings.DeclaredIn);

    public WireApi? NativeApi(AuthRecord auth) => WireApi.ChatCompletions;

    public PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null) =>
        api != WireApi.ChatCompletions || method is not null ? null : new PassThroughEndpoint(Settings.Endpoint(connection.BaseUrl, Settings.ChatPath));
}
