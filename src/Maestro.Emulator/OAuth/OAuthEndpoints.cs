using System.Net;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.OAuth.Grants;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.OAuth;

/// <summary>
/// The emulated authorization servers under <c>/oauth/{openai,anthropic,google}</c> (authorize, token, device codes,
/// the pages a user would see) and Anthropic's create-API-key endpoint under <c>/anthropic</c>.
/// </summary>
internal static class OAuthEndpoints
{
    public const string DeviceCodePath = "/oauth/openai/api/accounts/deviceauth/usercode";
    public const string DeviceTokenPath = "/oauth/openai/api/accounts/deviceauth/token";
    public const string DeviceVerificationPath = "/oauth/openai/codex/device";
    public const string DeviceCallbackPath = "/oauth/openai/deviceauth/callback";
    public const string AnthropicCodePagePath = "/oauth/anthropic/oauth/code/callback";
    public const string AnthropicCreateApiKeyPath = "/anthropic/api/oauth/claude_cli/create_api_key";

    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var server = services.OAuth;
        foreach (var dialect in OAuthDialect.All)
        {
            routes.MapGet(dialect.AuthorizePath, context => AuthorizeAsync(context, server, dialect));
            routes.MapPost(dialect.TokenPath, context => TokenAsync(context, server, dialect, services.Time));
        }

        routes.MapPost(DeviceCodePath, async context =>
        {
            var fields = await ReadJsonAsync(context.Request);
            await WriteAsync(context, server.Devices.Start(fields?.GetValueOrDefault("client_id")));
        });
        routes.MapPost(DeviceTokenPath, async context =>
        {
            var fields = await ReadJsonAsync(context.Request);
            var callback = $"{context.Request.Scheme}://{context.Request.Host}{DeviceCallbackPath}";
            await WriteAsync(context, server.Devices.Poll(fields?.GetValueOrDefault("device_auth_id"), fields?.GetValueOrDefault("user_code"), callback));
        });
        routes.MapGet(DeviceVerificationPath, context => HtmlAsync(context, 200, "Connect a device",
            $"""
            <p>Enter the code shown on your device.</p>
            <form method="post" action="{DeviceVerificationPath}">
            <input name="user_code" autocomplete="off" required>
            <button name="decision" value="approve">Approve</button>
            <button name="decision" value="deny">Deny</button>
            </form>
            """));
        routes.MapPost(DeviceVerificationPath, async context =>
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var code = form["user_code"].ToString();
            var deny = form["decision"].ToString() == "deny";
            var done = deny ? server.DenyDevice(code) : server.ApproveDevice(code);
            await (done
                ? HtmlAsync(context, 200, deny ? "Device denied" : "Device approved", "<p>You can return to your device.</p>")
                : HtmlAsync(context, 400, "Unknown code", "<p>That code is unknown, expired or already used.</p>"));
        });
        routes.MapGet(DeviceCallbackPath, context => HtmlAsync(context, 200, "Signed in", "<p>You can return to your device.</p>"));
        routes.MapGet(AnthropicCodePagePath, context =>
        {
            var query = context.Request.Query;
            return query["error"].ToString() is { Length: > 0 } error
                ? HtmlAsync(context, 200, "Authorization failed", $"""<p id="error">{WebUtility.HtmlEncode(error)}</p>""")
                : HtmlAsync(context, 200, "Authentication code",
                    $"""<p>Paste this code into your application:</p><pre id="code">{WebUtility.HtmlEncode(query["code"] + "#" + query["state"])}</pre>""");
        });
        routes.MapPost(AnthropicCreateApiKeyPath, context =>
            WriteAsync(context, server.ApiKeys.Create(CredentialPolicy.BearerToken(context.Request.Headers.Authorization.ToString()))));

        OAuthControlEndpoints.Map(routes, server);
    }

    private static Task AuthorizeAsync(HttpContext context, EmulatedAuthorizationServer server, OAuthDialect dialect)
    {
        var query = context.Request.Query;
        string? Get(string name) => query[name].ToString() is { Length: > 0 } value ? value : null;

        var redirect = Get("redirect_uri");
        if (redirect is null || !Uri.TryCreate(redirect, UriKind.Absolute, out _))
        {
            return HtmlAsync(context, 400, "Invalid request", "<p>redirect_uri is missing or not an absolute URL.</p>");
        }

        var missing = new[] { "client_id", "state", "code_challenge" }.FirstOrDefault(n => Get(n) is null);
        if (Get("response_type") != "code" || Get("code_challenge_method") != "S256" || missing is not null)
        {
            var what = missing ?? (Get("response_type") != "code" ? "response_type=code" : "code_challenge_method=S256");
            return HtmlAsync(context, 400, "Invalid request", $"<p>The authorization request lacks {WebUtility.HtmlEncode(what)}.</p>");
        }

        var state = Get("state")!;
        if (server.DenyConsent || Get("emulator_consent") == "deny")
        {
            return RedirectAsync(context, redirect, [new("error", "access_denied"), new("error_description", "The user denied access."), new("state", state)]);
        }

        var scope = Get("scope") ?? "";
        var offline = dialect == OAuthDialect.Google ? Get("access_type") == "offline"
            : dialect == OAuthDialect.OpenAI ? scope.Split(' ').Contains("offline_access")
            : true;
        var code = server.Codes.Issue(dialect, Get("client_id")!, redirect, Get("code_challenge")!, scope, state, offline);
        return RedirectAsync(context, redirect, [new("code", code), new("state", state)]);
    }

    private static async Task TokenAsync(HttpContext context, EmulatedAuthorizationServer server, OAuthDialect dialect, TimeProvider time)
    {
        IReadOnlyDictionary<string, string>? fields;
        var request = context.Request;
        if (request.HasFormContentType)
        {
            if (!dialect.AcceptsForm)
            {
                await WriteAsync(context, InvalidRequest("Content-Type must be application/json."));
                return;
            }

            var form = await request.ReadFormAsync(context.RequestAborted);
            fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        }
        else if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            if (!dialect.AcceptsJson)
            {
                await WriteAsync(context, InvalidRequest("Content-Type must be application/x-www-form-urlencoded."));
                return;
            }

            fields = await ReadJsonAsync(request);
        }
        else
        {
            fields = null;
        }

        if (fields is null)
        {
            await WriteAsync(context, InvalidRequest("The request body is not a form or a JSON object."));
            return;
        }

        if (server.TokenDelay > TimeSpan.Zero)
        {
            await Task.Delay(server.TokenDelay, time, context.RequestAborted);
        }

        await WriteAsync(context, server.Tokens.Token(dialect, fields));
    }

    private static TokenResult InvalidRequest(string description) => TokenErrors.Error(400, "invalid_request", description);

    /// <summary>A flat JSON object's members as strings (numbers and booleans as their JSON text); null when not an object.</summary>
    internal static async Task<IReadOnlyDictionary<string, string>?> ReadJsonAsync(HttpRequest request)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString()!,
                    JsonValueKind.Null => "",
                    _ => property.Value.GetRawText(),
                };
            }

            return fields;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static Task WriteAsync(HttpContext context, TokenResult result)
    {
        context.Response.Headers.CacheControl = "no-store";
        return new JsonReply(result.Status, result.Body).WriteAsync(context);
    }

    private static Task RedirectAsync(HttpContext context, string redirectUri, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var separator = redirectUri.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        var location = redirectUri + separator + string.Join('&', parameters.Select(p => p.Key + "=" + Uri.EscapeDataString(p.Value)));
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = location;
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    private static Task HtmlAsync(HttpContext context, int status, string title, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>" +
            $"<body><h1>{WebUtility.HtmlEncode(title)}</h1>{body}</body></html>");
    }
}
