using System.Security.Cryptography;
using System.Text;
using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>
/// <c>grant_type=authorization_code</c>: a code is redeemed once, before it expires, by the client it was issued to,
/// with the same redirect URI (and state, where the provider asks for it) and the verifier of its PKCE challenge.
/// Call under <see cref="AuthorizationState.Gate"/>.
/// </summary>
internal sealed class AuthorizationCodeGrant(AuthorizationState state, TokenIssuer issuer, TimeProvider time)
{
    public TokenResult Redeem(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var code = fields.GetValueOrDefault("code");
        if (string.IsNullOrEmpty(code) || !state.Codes.TryGetValue(code, out var issued) || issued.Dialect != dialect)
        {
            return TokenErrors.Error(400, "invalid_grant", "Invalid authorization code.");
        }

        if (issued.Used)
        {
            return TokenErrors.Error(400, "invalid_grant", "The authorization code has already been used.");
        }

        issued.Used = true;
        if (time.GetUtcNow() >= issued.ExpiresAt)
        {
            return TokenErrors.Error(400, "invalid_grant", "The authorization code has expired.");
        }

        if (fields.GetValueOrDefault("client_id") != issued.ClientId)
        {
            return TokenErrors.Error(400, "invalid_grant", "The authorization code was issued to another client.");
        }

        if (dialect.RequiresClientSecret && string.IsNullOrEmpty(fields.GetValueOrDefault("client_secret")))
        {
            return TokenErrors.Error(401, "invalid_client", "Unauthorized");
        }

        if (fields.GetValueOrDefault("redirect_uri") != issued.RedirectUri)
        {
            return TokenErrors.Error(400, "invalid_grant", "redirect_uri does not match the authorization request.");
        }

        if (dialect.RequiresStateInTokenRequest && fields.GetValueOrDefault("state") != issued.State)
        {
            return TokenErrors.Error(400, "invalid_grant", "state does not match the authorization request.");
        }

        var verifier = fields.GetValueOrDefault("code_verifier") ?? "";
        if (EmulatorJwt.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != issued.Challenge)
        {
            return TokenErrors.Error(400, "invalid_grant", "code_verifier does not match the code_challenge.");
        }

        var family = new TokenFamily(dialect, issued.ClientId, issued.Scope);
        return new TokenResult(200, issuer.Issue(family, refresh: issued.Offline, initial: true), null);
    }
}
