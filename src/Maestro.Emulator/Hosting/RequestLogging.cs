using System.Globalization;
using Maestro.Emulator.Sse;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maestro.Emulator.Hosting;

/// <summary>
/// Writes one line per request when it ends: method, path (key redacted), model, scenario, status. Also turns an
/// unexpected exception into a 500 so a bug in the emulator shows up as an answer, not a hung client.
/// </summary>
internal sealed class RequestLogging(ILogger logger)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        string? outcome = null;
        try
        {
            await next(context);
        }
        catch (EmulatedDisconnectException)
        {
            // Kestrel must see it: that is what makes it drop the connection after the bytes already written.
            LogLine(context, "disconnected");
            throw;
        }
        catch (Exception) when (context.RequestAborted.IsCancellationRequested)
        {
            outcome = "client-closed";
        }
        catch (Exception exception)
        {
            logger.LogError(exception, "Emulator failed on {Method} {Path}", context.Request.Method, Redaction.PathAndQuery(context.Request));
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            else
            {
                context.Abort();
            }

            outcome = "failed";
        }

        LogLine(context, outcome);
    }

    private void LogLine(HttpContext context, string? outcome)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var notes = RequestNotes.Of(context);
        var status = context.Response.StatusCode.ToString(CultureInfo.InvariantCulture);
        if (outcome is not null || context.RequestAborted.IsCancellationRequested)
        {
            status += " (" + (outcome ?? "aborted") + ")";
        }

        logger.LogInformation(
            "{Method} {Path} model={Model} scenario={Scenario} status={Status}",
            context.Request.Method,
            Redaction.PathAndQuery(context.Request),
            notes.Model ?? "-",
            notes.Scenario ?? "-",
            status);
    }
}
