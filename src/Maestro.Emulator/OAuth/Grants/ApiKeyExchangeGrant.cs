using Maestro.Emulator.OAuth.State;
using Maestro.Emulator.Wire;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>
/// OpenAI's RFC 8693 token exchange: an id token the server issued becomes an OpenAI API key (or is refused, as for
/// an account without an API organisation, when <see cref="AuthorizationSettings.ApiKeyExchangeFails"/>).
/// Call under <see cref="AuthorizationState.Gate"/>.
/// </summary>
internal sealed class ApiKeyExchangeGrant(AuthorizationState state, AuthorizationSettings settings)
{
    public const string GrantType = "urn:ietf:params:oauth:grant-type:token-exchange";

    public TokenResult Exchange(IReadOnlyDictionary<string, string> fields)
    {
        var subject = fields.GetValueOrDefault("subject_token");
        if (fields.GetValueOrDefault("requested_token") != "openai-api-key" ||
            fields.GetValueOrDefault("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token")
        {
            return TokenErrors.Error(400, "invalid_request", "Only requested_token=openai-api-key from an id_token is supported.");
        }

        if (subject is null || !state.IdTokens.TryGetValue(subject, out var family) || family.Revoked)
        {
            return TokenErrors.Error(400, "invalid_grant", "Invalid subject_token.");
        }

        if (settings.ApiKeyExchangeFails)
        {
            return TokenErrors.Nested(401, "invalid_subject_token", "Invalid ID token: missing organization_id");
        }

        return new TokenResult(200, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", "sk-proj-emu-" + EmulatorJwt.Random());
            w.WriteString("issued_token_type", "urn:openai:params:oauth:token-type:openai-api-key");
            w.WriteString("token_type", "bearer");
            w.WriteEndObject();
        }), null);
    }
}
