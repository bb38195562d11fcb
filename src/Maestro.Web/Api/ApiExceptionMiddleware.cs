using Maestro.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Api;

/// <summary>Turns exceptions from API endpoints into <see cref="ApiProblem"/> responses; only unexpected ones are logged as errors.</summary>
public sealed class ApiExceptionMiddleware(RequestDelegate next, ILogger<ApiExceptionMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            if (ex is MaestroException or BadHttpRequestException)
            {
                logger.LogDebug("{Method} {Path}: {Message}", context.Request.Method, context.Request.Path, ex.Message);
            }
            else
            {
                logger.LogError(ex, "{Method} {Path} failed", context.Request.Method, context.Request.Path);
            }

            await ApiProblem.From(ex).ExecuteAsync(context);
        }
    }
}
