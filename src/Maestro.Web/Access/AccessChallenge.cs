using Maestro.Web.Api;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Access;

/// <summary>
/// What a request without valid credentials gets: 401 always. A browser opening a page gets the sign-in form (and
/// comes back to the page once signed in); everything else (API, fragments, live streams) the usual JSON problem.
/// </summary>
public static class AccessChallenge
{
    public static async Task WriteAsync(HttpContext context, bool tokenRejected)
    {
        var response = context.Response;
        response.Headers.WWWAuthenticate = tokenRejected ? "Bearer realm=\"maestro\", error=\"invalid_token\"" : "Bearer realm=\"maestro\"";
        if (WantsPage(context.Request))
        {
            await LoginPageResult.WriteAsync(context, StatusCodes.Status401Unauthorized, context.Request.Path + context.Request.QueryString, error: null);
            return;
        }

        var body = tokenRejected
            ? new ProblemBody(401, "Unauthorized", "invalid_token", "The access token is not valid (it may have been rotated).",
                "Send the current token from $MAESTRO_HOME/access-token (or MAESTRO_ACCESS_TOKEN) as Authorization: Bearer <token>.", null, null, null)
            : new ProblemBody(401, "Unauthorized", "unauthorized", "Sign in first: send Authorization: Bearer <access token>, or sign in at /login.",
                "The access token is in $MAESTRO_HOME/access-token on the server; `maestro access status` shows where.", null, null, null);
        await Results.Json(body, statusCode: StatusCodes.Status401Unauthorized).ExecuteAsync(context);
    }

    private static bool WantsPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) &&
        request.Headers["HX-Request"].Count == 0 &&
        !request.Path.StartsWithSegments("/api") &&
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
