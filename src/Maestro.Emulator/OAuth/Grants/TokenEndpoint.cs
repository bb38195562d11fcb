using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>The token endpoint of each emulated authorization server: picks the grant, answers, records the request.</summary>
internal sealed class TokenEndpoint(
    AuthorizationState state, AuthorizationCodeGrant codes, RefreshTokenGrant refreshes, ApiKeyExchangeGrant apiKeys)
{
    public TokenResult Token(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var grantType = fields.GetValueOrDefault("grant_type");
        lock (state.Gate)
        {
            var result = grantType switch
            {
                "authorization_code" => codes.Redeem(dialect, fields),
                "refresh_token" => refreshes.Refresh(dialect, fields),
                ApiKeyExchangeGrant.GrantType when dialect == OAuthDialect.OpenAI => apiKeys.Exchange(fields),
                null or "" => TokenErrors.Error(400, "invalid_request", "Missing grant_type."),
                _ => TokenErrors.Error(400, "unsupported_grant_type", $"Unsupported grant_type '{grantType}'."),
            };
            state.Record(dialect, "token", grantType, grantType == "refresh_token" ? fields.GetValueOrDefault("refresh_token") : null, result);
            return result;
        }
    }
}
