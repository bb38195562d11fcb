using System.Text.Json;
using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

/// <summary>A token endpoint's JSON answer (RFC 6749 §5.1), with typed access to the standard members.</summary>
public sealed record OAuthTokenResponse(JsonElement Json)
{
    public string? AccessToken => String("access_token");

    public string? RefreshToken => String("refresh_token");

    public string? IdToken => String("id_token");

    public string? Scope => String("scope");

    /// <summary>expires_in in seconds (some servers send it as a string).</summary>
    public long? ExpiresIn => Json.TryGetProperty("expires_in", out var v)
        ? v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetInt64(out var n) => n,
            JsonValueKind.String when long.TryParse(v.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        }
        : null;

    public string? String(string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : null;

    /// <summary>A nested string, e.g. <c>("account", "email_address")</c>.</summary>
    public string? String(string parent, string name) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(parent, out var p) && p.ValueKind == JsonValueKind.Object &&
        p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : null;

    /// <summary>
    /// The tokens as credentials: expiry from expires_in, else from the access token's own <c>exp</c> claim when it is a
    /// JWT; a missing refresh token stays null (a refresh then keeps the old one).
    /// </summary>
    public AuthCredentials ToCredentials(DateTimeOffset now)
    {
        var access = AccessToken;
        var claims = JwtClaims.Read(access);
        DateTimeOffset? expires = ExpiresIn is { } seconds && seconds > 0 ? now.AddSeconds(seconds) : JwtClaims.Time(claims, "exp");
        return new AuthCredentials
        {
            AccessToken = access,
            RefreshToken = RefreshToken,
            IdToken = IdToken,
            ExpiresAt = expires,
            IssuedAt = ExpiresIn is > 0 ? now : JwtClaims.Time(claims, "iat") ?? now,
        };
    }

    // The JSON holds tokens; never print it.
    public override string ToString() => "OAuthTokenResponse { <redacted> }";
}
