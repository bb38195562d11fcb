using System.Text.Json;
using Maestro.Emulator.OAuth.State;
using Maestro.Emulator.Wire;

namespace Maestro.Emulator.OAuth.Grants;

/// <summary>
/// Mints a login's tokens (access, refresh, id) and writes them in the provider's answer shape; a rotation makes the
/// new refresh token the only valid one. Call under <see cref="AuthorizationState.Gate"/>.
/// </summary>
internal sealed class TokenIssuer(AuthorizationState state, AuthorizationSettings settings, TimeProvider time)
{
    private readonly EmulatorJwt _jwt = new();

    public byte[] Issue(TokenFamily family, bool refresh, bool initial)
    {
        var dialect = family.Dialect;
        var now = time.GetUtcNow();
        var lifetime = settings.AccessTokenLifetime;
        var expires = now + lifetime;
        var seconds = (long)lifetime.TotalSeconds;
        var user = settings.User;
        var access = dialect == OAuthDialect.OpenAI
            ? _jwt.Create(w =>
            {
                w.WriteString("iss", "https://auth.openai.com");
                w.WriteString("sub", "user-emulated");
                w.WriteNumber("iat", now.ToUnixTimeSeconds());
                w.WriteNumber("exp", expires.ToUnixTimeSeconds());
                w.WriteString("jti", EmulatorJwt.Random(8));
                WriteOpenAIAuthClaim(w, user);
            })
            : dialect.AccessPrefix + EmulatorJwt.Random();
        state.AccessTokens[access] = new IssuedAccess(family, expires);

        string? refreshToken = null;
        if (refresh)
        {
            refreshToken = dialect.RefreshPrefix + EmulatorJwt.Random();
            family.Current = refreshToken;
            state.RefreshTokens[refreshToken] = family;
        }

        string? idToken = null;
        if (dialect == OAuthDialect.OpenAI || (dialect == OAuthDialect.Google && family.Scope.Split(' ').Contains("openid")))
        {
            idToken = _jwt.Create(w =>
            {
                w.WriteString("iss", dialect == OAuthDialect.OpenAI ? "https://auth.openai.com" : "https://accounts.google.com");
                w.WriteString("aud", family.ClientId);
                w.WriteString("sub", "user-emulated");
                w.WriteString("email", user.Email);
                w.WriteBoolean("email_verified", true);
                w.WriteNumber("iat", now.ToUnixTimeSeconds());
                w.WriteNumber("exp", expires.ToUnixTimeSeconds());
                if (dialect == OAuthDialect.OpenAI)
                {
                    WriteOpenAIAuthClaim(w, user);
                }
            });
            state.IdTokens[idToken] = family;
        }

        return WireJson.Once(w =>
        {
            w.WriteStartObject();
            if (dialect == OAuthDialect.Anthropic)
            {
                w.WriteString("token_type", "Bearer");
                w.WriteString("access_token", access);
                w.WriteNumber("expires_in", seconds);
                if (refreshToken is not null)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteString("scope", family.Scope);
                w.WriteStartObject("organization");
                w.WriteString("uuid", user.Organization);
                w.WriteString("name", "Emulated Organization");
                w.WriteEndObject();
                w.WriteStartObject("account");
                w.WriteString("uuid", user.AccountId);
                w.WriteString("email_address", user.Email);
                w.WriteEndObject();
            }
            else if (dialect == OAuthDialect.Google)
            {
                // The order Google uses (see Fixtures/providers/oauth).
                w.WriteString("access_token", access);
                w.WriteNumber("expires_in", seconds);
                if (idToken is not null)
                {
                    w.WriteString("id_token", idToken);
                }

                if (refreshToken is not null && initial)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteString("scope", family.Scope);
                w.WriteString("token_type", "Bearer");
            }
            else
            {
                w.WriteString("id_token", idToken);
                w.WriteString("access_token", access);
                if (refreshToken is not null)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteNumber("expires_in", seconds);
                w.WriteString("scope", family.Scope);
                w.WriteString("token_type", "Bearer");
            }

            w.WriteEndObject();
        });
    }

    private static void WriteOpenAIAuthClaim(Utf8JsonWriter w, EmulatedUser user)
    {
        w.WriteStartObject("https://api.openai.com/auth");
        w.WriteString("chatgpt_account_id", user.AccountId);
        w.WriteString("chatgpt_plan_type", user.Plan);
        w.WriteString("chatgpt_user_id", "user-emulated");
        w.WriteString("organization_id", user.Organization);
        w.WriteEndObject();
    }
}
