using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>
/// <c>grant_type=refresh_token</c>, with rotation where the provider rotates: presenting a refresh token that was
/// already rotated away means someone holds a copy, so the whole login is revoked (reuse detection).
/// Call under <see cref="AuthorizationState.Gate"/>.
/// </summary>
internal sealed class RefreshTokenGrant(AuthorizationState state, TokenIssuer issuer)
{
    public TokenResult Refresh(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var token = fields.GetValueOrDefault("refresh_token");
        if (string.IsNullOrEmpty(token) || !state.RefreshTokens.TryGetValue(token, out var family) || family.Dialect != dialect)
        {
            return TokenErrors.RefreshError(dialect, "invalid_grant", "Refresh token not found or invalid.");
        }

        if (dialect.RequiresClientSecret && string.IsNullOrEmpty(fields.GetValueOrDefault("client_secret")))
        {
            return TokenErrors.Error(401, "invalid_client", "Unauthorized");
        }

        if (fields.GetValueOrDefault("client_id") != family.ClientId)
        {
            return TokenErrors.RefreshError(dialect, "invalid_grant", "The refresh token was issued to another client.");
        }

        if (family.Revoked)
        {
            return dialect == OAuthDialect.OpenAI
                ? TokenErrors.RefreshError(dialect, "refresh_token_invalidated", "Your refresh token has been invalidated. Please try signing in again.")
                : TokenErrors.RefreshError(dialect, "invalid_grant", "Token has been expired or revoked.");
        }

        if (dialect.RotatesRefreshTokens && family.Current != token)
        {
            // Reuse of a rotated refresh token: someone holds a copy. Revoke the whole login.
            family.Revoked = true;
            return dialect == OAuthDialect.OpenAI
                ? TokenErrors.RefreshError(dialect, "refresh_token_reused", "Your refresh token has already been used to generate a new access token. Please try signing in again.")
                : TokenErrors.RefreshError(dialect, "invalid_grant", "Refresh token has already been used (refresh_token_reused); the login was revoked.");
        }

        return new TokenResult(200, issuer.Issue(family, refresh: dialect.RotatesRefreshTokens, initial: false), null);
    }
}
