using Maestro.Core.Access;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Access;

/// <summary>
/// A live stream outlives the check made when it opened: `maestro access rotate`, a new password or signing out must
/// end it too. While a response is a stream (text/event-stream), its credentials are checked again every
/// <see cref="AccessOptions.StreamRecheckInterval"/>, and the stream ends (its request is aborted) once they are not
/// valid any more. Other requests are over long before that and are not watched.
/// </summary>
public sealed class StreamRevalidation(RequestDelegate next, AccessService access, BrowserSessionCookie cookie)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var scheme = context.User.Identity?.AuthenticationType;
        if (scheme is not (AccessSchemes.Token or AccessSchemes.Cookie))
        {
            await next(context);
            return;
        }

        var original = context.RequestAborted;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(original);
        context.RequestAborted = ended.Token;
        Task? watching = null;
        context.Response.OnStarting(() =>
        {
            if (context.Response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                watching = WatchAsync(context, scheme, ended);
            }

            return Task.CompletedTask;
        });

        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (ended.IsCancellationRequested && !original.IsCancellationRequested && context.Response.HasStarted)
        {
            // Ended here because the credentials stopped being valid: the stream simply ends, and reconnecting asks again.
        }
        finally
        {
            context.RequestAborted = original;
            if (watching is not null)
            {
                await ended.CancelAsync();
                await watching;
            }
        }
    }

    private async Task WatchAsync(HttpContext context, string scheme, CancellationTokenSource ended)
    {
        var presented = scheme == AccessSchemes.Token ? context.Request.Headers.Authorization.ToString()["Bearer ".Length..].Trim() : null;
        var sessionId = scheme == AccessSchemes.Cookie ? cookie.Read(context.Request) : null;
        using var timer = new PeriodicTimer(access.Options.StreamRecheckInterval);
        // The stream's end stops the timer, whose wait then returns false: a wait cancelled by the token would throw,
        // once for every stream that ends (a thousand viewers closing, a thousand exceptions).
        using var stop = ended.Token.Register(timer.Dispose);
        try
        {
            while (await timer.WaitForNextTickAsync())
            {
                var valid = presented is not null
                    ? access.TokenMatches(presented)
                    : sessionId is not null && await access.CheckSessionAsync(sessionId, ended.Token) is not null;
                if (!valid)
                {
                    await ended.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended on its own while a session's check was out.
        }
    }
}
