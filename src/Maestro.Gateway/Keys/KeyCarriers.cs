using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Keys;

/// <summary>
/// Where clients put their key, as each official client does: <c>Authorization: Bearer</c> (OpenAI, and the newest
/// Anthropic SDKs), <c>x-api-key</c> (Anthropic), <c>x-goog-api-key</c> or <c>?key=</c> (Google).
/// </summary>
internal static class KeyCarriers
{
    public static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        foreach (var header in (string[])["x-api-key", "x-goog-api-key"])
        {
            if (request.Headers[header].ToString() is { Length: > 0 } value)
            {
                return value.Trim();
            }
        }

        return request.Query["key"].ToString() is { Length: > 0 } key ? key : null;
    }
}
