using Maestro.Core.Access;
using Maestro.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Access;

/// <summary>
/// Signing a browser in and out. <c>/login</c> is one of the few routes open without credentials (with
/// <c>/health</c>): its form takes the access token or the password, its script the one-time code of a sign-in link.
/// </summary>
public static class LoginEndpoints
{
    public const string SecretRejected = "That did not work: check the access token or password and try again.";
    public const string LinkRejected = "This sign-in link has expired or was already used.";

    public static IEndpointRouteBuilder MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", async (HttpContext http, [FromQuery] string? next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                return Results.Redirect(LoginPageResult.LocalReturnPath(next));
            }

            await LoginPageResult.WriteAsync(http, StatusCodes.Status200OK, next ?? "/", error: null);
            return Results.Empty;
        }).AllowAnonymous();

        app.MapPost("/login", SignInAsync).AllowAnonymous().DisableAntiforgery().RequireRateLimiting(AccessSchemes.SignInRateLimit);

        app.MapPost("/logout", async (HttpContext http, AccessService access, BrowserSessionCookie cookie, CancellationToken ct) =>
        {
            if (cookie.Read(http.Request) is { } id)
            {
                await access.SignOutAsync(id, ct);
            }

            cookie.Clear(http);
            if (http.Request.Headers["HX-Request"] == "true")
            {
                http.Response.Headers["HX-Redirect"] = "/login";
                return Results.NoContent();
            }

            return Results.Redirect("/login");
        }).DisableAntiforgery();

        return app;
    }

    private static async Task<IResult> SignInAsync(HttpContext http, AccessService access, BrowserSessionCookie cookie, AccessSettings settings, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return ApiProblem.Validation("body",
                "Send the sign-in form (application/x-www-form-urlencoded): `secret` (the access token or the password) or `code` (from a sign-in link).");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var next = LoginPageResult.LocalReturnPath(form["next"]);
        if (!settings.Enabled)
        {
            return Results.Json(new SignInResponse(next));
        }

        var code = form["code"].ToString();
        var secret = form["secret"].ToString();
        if (code.Length == 0 && secret.Length == 0)
        {
            return ApiProblem.Validation("secret", "Enter the access token or the password.");
        }

        var signedIn = code.Length > 0 ? await access.SignInWithCodeAsync(code, ct) : await access.SignInAsync(secret, ct);
        if (signedIn is null)
        {
            return Results.Json(code.Length > 0
                ? new ProblemBody(401, "Unauthorized", "sign_in_failed", LinkRejected,
                    "Run `maestro access link` on the server for a new link, or sign in with the access token or password.", null, null, null)
                : new ProblemBody(401, "Unauthorized", "sign_in_failed", SecretRejected, null, null, null, null),
                statusCode: StatusCodes.Status401Unauthorized);
        }

        cookie.Issue(http, signedIn);
        return Results.Json(new SignInResponse(next));
    }

    /// <summary>Where the browser goes next (a local path).</summary>
    public sealed record SignInResponse(string Redirect);
}
