using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>What a provider is and what it can do; the registry answers capability questions from this.</summary>
/// <param name="Id">Lowercase id used in auth refs and URLs, e.g. <c>anthropic</c>.</param>
/// <param name="Features">Values from <see cref="ProviderFeatures"/>.</param>
/// <param name="Notes">What the provider permits, in plain words, shown in the UI and docs (e.g. OAuth policy).</param>
/// <param name="DefaultModel">The model used when none is given (a capable, widely available one), if any.</param>
/// <param name="Source">Where the provider comes from: <see cref="ProviderSources.BuiltIn"/>, <see cref="ProviderSources.Saved"/>,
/// or the variable or file that declares it.</param>
public sealed record ProviderDescriptor(
    string Id,
    string DisplayName,
    IReadOnlyList<AuthType> AuthTypes,
    IReadOnlySet<string> Features,
    Uri DefaultBaseUrl,
    string? Notes = null,
    string? DefaultModel = null,
    string Source = ProviderSources.BuiltIn)
{
    public bool Supports(string feature) => Features.Contains(feature);

    public bool Accepts(AuthType type) => AuthTypes.Contains(type);
}

public static class ProviderFeatures
{
    public const string Streaming = "streaming";
    public const string Tools = "tools";
    public const string Images = "images";

    /// <summary>Text files attached to a message are sent as file blocks (or the API's own way to give a file).</summary>
    public const string TextFiles = "text_files";
    public const string Reasoning = "reasoning";
    public const string ModelListing = "model_listing";
    public const string OAuth = "oauth";

    /// <summary>The provider works without an API key (a local server); an API-key auth may have none.</summary>
    public const string ApiKeyOptional = "api_key_optional";

    /// <summary>Reasoning signatures / encrypted reasoning can be sent back in later turns.</summary>
    public const string ReasoningReplay = "reasoning_replay";
}
