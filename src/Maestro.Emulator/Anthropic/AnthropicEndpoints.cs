using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.Anthropic;

/// <summary>Anthropic under <c>/anthropic</c>: <c>GET /v1/models[/{id}]</c> and <c>POST /v1/messages</c>.</summary>
internal static class AnthropicEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var errors = new AnthropicErrors();
        var auth = new AnthropicAuth(services.Credentials, errors);
        var models = new AnthropicModelList(errors);
        var listing = new ListingHandler(services);
        var chat = new ChatEndpointHandler(services);
        var unknown = new UnknownPathHandler(services);
        var messages = new ChatEndpoint(
            EmulatorProviders.Anthropic,
            "anthropic/messages",
            auth,
            errors,
            new AnthropicModels(),
            new AnthropicRequestReader(),
            new AnthropicRenderer(),
            StreamContentType: "text/event-stream; charset=utf-8",
            JsonContentType: "application/json",
            Quota: new AnthropicQuota(services.Credentials));

        var group = routes.MapGroup("/" + EmulatorProviders.Anthropic);
        group.MapGet("/v1/models", context => listing.HandleAsync(context, EmulatorProviders.Anthropic, auth, models.List));
        group.MapGet("/v1/models/{id}", context =>
            listing.HandleAsync(context, EmulatorProviders.Anthropic, auth, request => models.Get(request, (string)context.Request.RouteValues["id"]!)));
        group.MapPost("/v1/messages", context => chat.HandleAsync(context, messages));
        group.Map("/{**path}", context => unknown.HandleAsync(context, EmulatorProviders.Anthropic, auth, errors));
    }
}
