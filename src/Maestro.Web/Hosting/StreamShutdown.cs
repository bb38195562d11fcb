using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Maestro.Web.Hosting;

/// <summary>
/// Ends live streams as soon as the server begins to stop. A stop (Ctrl+C, systemd, an upgrade) lets open requests
/// finish first, and an event stream never finishes by itself: with a browser tab open the stop would sit out the whole
/// shutdown timeout. Every GET (the streams are GETs) sees the stop through its <see cref="HttpContext.RequestAborted"/>;
/// the page reconnects to whichever instance is up, resuming from its last event id.
/// </summary>
public sealed class StreamShutdown(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            await next(context);
            return;
        }

        var original = context.RequestAborted;
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(original, lifetime.ApplicationStopping);
        context.RequestAborted = ended.Token;
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested && !original.IsCancellationRequested)
        {
            // Stopping: a stream simply ends; a request cut before its answer began is told to come back.
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
            }
        }
        finally
        {
            context.RequestAborted = original;
        }
    }
}
