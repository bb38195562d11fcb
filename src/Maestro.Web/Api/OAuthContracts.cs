using Maestro.Core.OAuth;

namespace Maestro.Web.Api;

/// <summary>POST /api/oauth/flows: start a login for provider/name (created, or renewed when it exists).</summary>
/// <param name="Method">callback, paste or device; default: the provider's first method.</param>
/// <param name="Mode">The auth's mode (e.g. code_assist for Gemini); default: the provider's default.</param>
/// <param name="CreateApiKey">Anthropic: also create an API key from the login.</param>
public sealed record StartLoginRequest(string? Provider, string? Name, string? Method, string? Mode, bool? CreateApiKey);

/// <summary>POST /api/oauth/flows/{id}/complete: what the user pasted (code#state, the callback URL, or its query).</summary>
public sealed record CompleteLoginRequest(string? Code);

/// <summary>A login as the API shows it (never its secrets); <paramref name="Auth"/> is set once it completed.</summary>
public sealed record OAuthFlowView(
    Guid Id,
    string Provider,
    string Name,
    string AuthRef,
    string Method,
    string Status,
    string? Mode,
    Uri? AuthorizationUrl,
    Uri? RedirectUri,
    string? UserCode,
    Uri? VerificationUrl,
    double? PollIntervalSeconds,
    string? Message,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset UpdatedAt,
    AuthView? Auth)
{
    public static OAuthFlowView From(OAuthFlow flow, AuthView? auth = null) => new(
        flow.Id, flow.Provider, flow.AuthName, flow.AuthLabel, flow.Method.ToWire(), flow.Status.ToWire(), flow.Options.Mode,
        flow.AuthorizationUrl, flow.RedirectUri, flow.UserCode, flow.VerificationUrl, flow.PollInterval?.TotalSeconds, flow.Message,
        flow.CreatedAt, flow.ExpiresAt, flow.UpdatedAt, auth);
}

/// <summary>What one provider's OAuth login offers, for a UI to build its form.</summary>
public sealed record OAuthProviderView(
    string Provider, string DisplayName, IReadOnlyList<string> Methods, string DefaultMethod, IReadOnlyList<string> Modes, bool CanCreateApiKey, string? Notes);

/// <summary>The answer of POST /api/auths/{provider}/{name}/refresh.</summary>
/// <param name="Result">refreshed, or fresh (another process had just refreshed it; no token request was made).</param>
public sealed record RefreshView(string Result, string Message, AuthView Auth);
