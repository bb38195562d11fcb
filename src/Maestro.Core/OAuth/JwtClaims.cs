using System.Text.Json;

namespace Maestro.Core.OAuth;

/// <summary>
/// Reads the claims of a JWT (an id_token or a JWT access token). The signature is not checked: the token came
/// straight from the provider's token endpoint over TLS, and only display facts (email, plan, expiry) are taken from it.
/// </summary>
public static class JwtClaims
{
    /// <summary>The payload object, or null when <paramref name="jwt"/> is not a JWT.</summary>
    public static JsonElement? Read(string? jwt)
    {
        if (string.IsNullOrEmpty(jwt))
        {
            return null;
        }

        var parts = jwt.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload));
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    public static string? String(JsonElement? claims, string name) =>
        claims is { } c && c.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>A NumericDate claim (exp, iat) as a time.</summary>
    public static DateTimeOffset? Time(JsonElement? claims, string name) =>
        claims is { } c && c.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : null;
}
