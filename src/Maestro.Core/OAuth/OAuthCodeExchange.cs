namespace Maestro.Core.OAuth;

/// <summary>Everything needed to exchange an authorization code: the code and the values the login started with.</summary>
public sealed record OAuthCodeExchange(string Code, string State, Uri RedirectUri, string CodeVerifier, OAuthLoginOptions Options)
{
    public override string ToString() => $"OAuthCodeExchange {{ RedirectUri = {RedirectUri} }}";
}
