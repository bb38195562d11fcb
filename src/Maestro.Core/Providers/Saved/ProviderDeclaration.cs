namespace Maestro.Core.Providers.Saved;

/// <summary>
/// An OpenAI-compatible endpoint as Maestro saves it: the fields of a providers.json entry, normalized (defaults
/// filled in). The provider layer validates the raw fields and turns a declaration into a provider.
/// </summary>
/// <param name="AuthScheme">Written before the key; empty sends the raw key.</param>
/// <param name="DefaultMaxTokens">Sent when the caller gives no limit; null leaves the server's default.</param>
public sealed record ProviderDeclaration(
    string Id,
    string DisplayName,
    string BaseUrl,
    string AuthHeader,
    string AuthScheme,
    string ModelsPath,
    string ChatPath,
    bool ApiKeyRequired,
    string MaxTokensField,
    int? DefaultMaxTokens,
    string? DefaultModel)
{
    /// <summary>The field names, as in providers.json, the API and the Settings form.</summary>
    public static readonly IReadOnlyList<string> FieldNames =
    [
        "id", "base_url", "display_name", "auth_header", "auth_scheme", "models_path", "chat_path", "api_key_required",
        "max_tokens_field", "default_max_tokens", "default_model",
    ];

    /// <summary>The declaration as raw fields (what an edit starts from); an empty scheme reads back as "none".</summary>
    public Dictionary<string, string?> ToFields() => new(StringComparer.Ordinal)
    {
        ["id"] = Id,
        ["base_url"] = BaseUrl,
        ["display_name"] = DisplayName,
        ["auth_header"] = AuthHeader,
        ["auth_scheme"] = AuthScheme.Length == 0 ? "none" : AuthScheme,
        ["models_path"] = ModelsPath,
        ["chat_path"] = ChatPath,
        ["api_key_required"] = ApiKeyRequired ? "true" : "false",
        ["max_tokens_field"] = MaxTokensField,
        ["default_max_tokens"] = DefaultMaxTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["default_model"] = DefaultModel,
    };
}
