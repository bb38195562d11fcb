using Maestro.Core.Providers.Saved;

namespace Maestro.Web.Api;

/// <summary>An OpenAI-compatible provider in <c>/api/settings/providers</c> and <c>maestro providers --json</c>-style listings.</summary>
/// <param name="Source">settings (saved here, editable), MAESTRO_COMPAT_PROVIDERS or providers.json (read-only here).</param>
/// <param name="Problem">Why a saved provider is not in use, if it is not.</param>
public sealed record DeclaredProviderView(
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
    string? DefaultModel,
    string Source,
    bool Editable,
    string? Problem)
{
    public static DeclaredProviderView From(DeclaredProvider p)
    {
        var d = p.Declaration;
        return new(d.Id, d.DisplayName, d.BaseUrl, d.AuthHeader, d.AuthScheme, d.ModelsPath, d.ChatPath, d.ApiKeyRequired, d.MaxTokensField,
            d.DefaultMaxTokens, d.DefaultModel, p.Source, p.Editable, p.Problem);
    }
}
