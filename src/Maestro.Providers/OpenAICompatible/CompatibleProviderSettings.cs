namespace Maestro.Providers.OpenAICompatible;

/// <summary>One OpenAI-compatible endpoint declared by configuration (environment variables or providers.json).</summary>
/// <param name="Id">Provider id used in auth refs (<c>ollama/local</c>).</param>
/// <param name="BaseUrl">The API root the paths are appended to, usually ending in <c>/v1</c>.</param>
/// <param name="AuthHeader">Header that carries the key (default <c>Authorization</c>).</param>
/// <param name="AuthScheme">Written before the key (default <c>Bearer</c> for Authorization, none for other headers).</param>
/// <param name="ApiKeyRequired">False for local servers (Ollama, LM Studio): no key header is sent then.</param>
/// <param name="MaxTokensField"><c>max_tokens</c> (default), or <c>max_completion_tokens</c> for OpenAI itself.</param>
/// <param name="DefaultMaxTokens">Sent when the caller gives no limit; null leaves the server's default.</param>
/// <param name="DefaultModel">The model used when none is given (e.g. <c>llama3.1</c>), if any.</param>
/// <param name="DeclaredIn">Where it was declared, for messages (<c>MAESTRO_COMPAT_PROVIDERS</c> or the file path).</param>
public sealed record CompatibleProviderSettings(
    string Id,
    string DisplayName,
    Uri BaseUrl,
    string AuthHeader = "Authorization",
    string AuthScheme = "Bearer",
    string ModelsPath = "/models",
    string ChatPath = "/chat/completions",
    bool ApiKeyRequired = true,
    string MaxTokensField = "max_tokens",
    int? DefaultMaxTokens = null,
    string? DefaultModel = null,
    string DeclaredIn = "configuration")
{
    /// <summary>Joins the base URL and a path without doubling or dropping a slash.</summary>
    public Uri Endpoint(Uri baseUrl, string path) =>
        new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + path.TrimStart('/') + baseUrl.Query);
}
