using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Ui;

/// <summary>
/// UI fragment endpoints that change data accept only htmx requests: the HX-Request header cannot be sent by another
/// site's page without a CORS preflight, which Maestro never grants.
/// </summary>
public sealed class HtmxOnly : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.Request.Headers["HX-Request"] == "true"
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Problem(statusCode: 403, title: "UI endpoints answer only the Maestro UI."));
}
