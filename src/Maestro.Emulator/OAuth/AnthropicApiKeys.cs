using Maestro.Emulator.OAuth.State;
using Maestro.Emulator.Wire;

namespace Maestro.Emulator.OAuth;

/// <summary>Anthropic's create_api_key: a new API key for the account a valid Anthropic access token belongs to.</summary>
internal sealed class AnthropicApiKeys(AuthorizationState state, TimeProvider time)
{
    public TokenResult Create(string? bearer)
    {
        lock (state.Gate)
        {
            var valid = bearer is not null && state.AccessTokens.TryGetValue(bearer, out var access) && !access.Revoked && !access.Family.Revoked &&
                time.GetUtcNow() < access.ExpiresAt && access.Family.Dialect == OAuthDialect.Anthropic;
            var result = valid
                ? new TokenResult(200, WireJson.Once(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("raw_key", "sk-ant-api03-emu-" + EmulatorJwt.Random());
                    w.WriteEndObject();
                }), null)
                : new TokenResult(401, WireJson.Once(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type", "error");
                    w.WriteStartObject("error");
                    w.WriteString("type", "authentication_error");
                    w.WriteString("message", "Invalid bearer token");
                    w.WriteEndObject();
                    w.WriteEndObject();
                }), "authentication_error");
            state.Record(OAuthDialect.Anthropic, "api_key", null, null, result);
            return result;
        }
    }
}
