namespace Maestro.Core.OAuth;

/// <summary>The values an authorization URL is built from.</summary>
public sealed record OAuthAuthorizationRequest(Uri RedirectUri, string State, string CodeChallenge, OAuthLoginOptions Options)
{
    public override string ToString() => $"OAuthAuthorizationRequest {{ RedirectUri = {RedirectUri} }}";
}
