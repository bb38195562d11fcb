using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.OAuth;

/// <summary>
/// <c>/_emulator/oauth/…</c>: drive the emulated authorization servers over HTTP (for <c>maestro emulate</c> users):
/// settings, recorded token requests, revocation and device approval.
/// </summary>
internal static class OAuthControlEndpoints
{
    public const string Prefix = "/_emulator/oauth";

    public static void Map(IEndpointRouteBuilder routes, EmulatedAuthorizationServer server)
    {
        var group = routes.MapGroup(Prefix);
        group.MapGet("/requests", context => new JsonReply(200, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("requests");
            foreach (var r in server.TokenRequests(context.Request.Query["provider"].ToString() is { Length: > 0 } p ? p : null))
            {
                w.WriteStartObject();
                w.WriteString("time", r.Time);
                w.WriteString("provider", r.Provider);
                w.WriteString("endpoint", r.Endpoint);
                WriteOptional(w, "grant_type", r.GrantType);
                // A fingerprint, not the token: enough to see a refresh token presented twice.
                WriteOptional(w, "refresh_token_sha256", r.RefreshToken is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(r.RefreshToken)))[..16]);
                w.WriteNumber("status", r.Status);
                WriteOptional(w, "error", r.Error);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        })).WriteAsync(context));
        group.MapDelete("/requests", context =>
        {
            server.ClearTokenRequests();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        group.MapPost("/settings", async context =>
        {
            var fields = await OAuthEndpoints.ReadJsonAsync(context.Request);
            string? error = "Send a JSON object of settings.";
            if (fields is null || !Apply(server, fields, out error))
            {
                await Error(error!).WriteAsync(context);
                return;
            }

            await new JsonReply(200, WireJson.Once(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("deny_consent", server.DenyConsent);
                w.WriteNumber("access_token_lifetime_seconds", (long)server.AccessTokenLifetime.TotalSeconds);
                w.WriteNumber("code_lifetime_seconds", (long)server.CodeLifetime.TotalSeconds);
                w.WriteNumber("device_code_lifetime_seconds", (long)server.DeviceCodeLifetime.TotalSeconds);
                w.WriteNumber("device_poll_interval_seconds", server.DevicePollIntervalSeconds);
                w.WriteNumber("token_delay_ms", (long)server.TokenDelay.TotalMilliseconds);
                w.WriteBoolean("api_key_exchange_fails", server.ApiKeyExchangeFails);
                w.WriteEndObject();
            })).WriteAsync(context);
        });
        group.MapPost("/revoke", async context =>
        {
            var fields = await OAuthEndpoints.ReadJsonAsync(context.Request);
            var revoked = fields?.GetValueOrDefault("access_token") is { Length: > 0 } access ? server.RevokeAccessToken(access)
                : fields?.GetValueOrDefault("refresh_token") is { Length: > 0 } refresh && server.RevokeLogin(refresh);
            await new JsonReply(revoked ? 200 : 404, WireJson.Once(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("revoked", revoked);
                w.WriteEndObject();
            })).WriteAsync(context);
        });
    }

    private static bool Apply(EmulatedAuthorizationServer server, IReadOnlyDictionary<string, string> fields, out string? error)
    {
        error = null;
        foreach (var (name, value) in fields)
        {
            switch (name)
            {
                case "deny_consent" when bool.TryParse(value, out var deny):
                    server.DenyConsent = deny;
                    break;
                case "api_key_exchange_fails" when bool.TryParse(value, out var fails):
                    server.ApiKeyExchangeFails = fails;
                    break;
                case "access_token_lifetime_seconds" when Seconds(value) is { } s:
                    server.AccessTokenLifetime = s;
                    break;
                case "code_lifetime_seconds" when Seconds(value) is { } s:
                    server.CodeLifetime = s;
                    break;
                case "device_code_lifetime_seconds" when Seconds(value) is { } s:
                    server.DeviceCodeLifetime = s;
                    break;
                case "device_poll_interval_seconds" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var interval):
                    server.DevicePollIntervalSeconds = interval;
                    break;
                case "token_delay_ms" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms):
                    server.TokenDelay = TimeSpan.FromMilliseconds(ms);
                    break;
                default:
                    error = $"Unknown setting or bad value: {name}={value}. Settings: deny_consent, api_key_exchange_fails (booleans), " +
                            "access_token_lifetime_seconds, code_lifetime_seconds, device_code_lifetime_seconds, device_poll_interval_seconds, token_delay_ms.";
                    return false;
            }
        }

        return true;
    }

    private static TimeSpan? Seconds(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : null;

    private static void WriteOptional(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static JsonReply Error(string message) => new(400, WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    }));
}
