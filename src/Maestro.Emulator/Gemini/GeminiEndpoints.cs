using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// Gemini under <c>/gemini</c>: <c>GET /v1beta/models[/{model}]</c>, <c>POST /v1beta/models/{model}:generateContent</c>
/// and <c>:streamGenerateContent</c> (<c>?alt=sse</c> for SSE; without it, one streamed JSON array).
/// </summary>
internal static class GeminiEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var errors = new GeminiErrors();
        var auth = new GeminiAuth(services.Credentials, errors);
        var models = new GeminiModelList(errors);
        var listing = new ListingHandler(services);
        var chat = new ChatEndpointHandler(services);
        var unknown = new UnknownPathHandler(services);
        var generate = new ChatEndpoint(
            EmulatorProviders.Gemini,
            "gemini/generate-content",
            auth,
            errors,
            new GeminiModels(),
            new GeminiRequestReader(),
            new GeminiRenderer(),
            StreamContentType: "text/event-stream",
            JsonContentType: GeminiErrors.ContentType,
            Quota: new GeminiQuota());

        var group = routes.MapGroup("/" + EmulatorProviders.Gemini);
        group.MapGet("/v1beta/models", context => listing.HandleAsync(context, EmulatorProviders.Gemini, auth, models.List));
        group.MapGet("/v1beta/models/{**" + GeminiTarget.RouteKey + "}", context =>
            listing.HandleAsync(context, EmulatorProviders.Gemini, auth, _ => models.Get(GeminiTarget.Of(context).Model)));
        group.MapPost("/v1beta/models/{**" + GeminiTarget.RouteKey + "}", context =>
        {
            var target = GeminiTarget.Of(context);
            return target.IsGenerate
                ? chat.HandleAsync(context, generate)
                : unknown.HandleAsync(context, EmulatorProviders.Gemini, auth, errors);
        });
        group.Map("/{**path}", context => unknown.HandleAsync(context, EmulatorProviders.Gemini, auth, errors));
    }
}
