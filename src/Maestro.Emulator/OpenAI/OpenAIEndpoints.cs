using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// OpenAI under <c>/openai</c>: <c>GET /v1/models[/{id}]</c>, <c>POST /v1/responses</c>, <c>POST /v1/chat/completions</c>.
/// </summary>
internal static class OpenAIEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var responsesErrors = new OpenAIErrors(unknownModelIs404: false);
        var chatErrors = new OpenAIErrors(unknownModelIs404: true);
        var auth = new OpenAIAuth(services.Credentials, responsesErrors);
        var catalog = new OpenAIModels();
        var models = new OpenAIModelList();
        var listing = new ListingHandler(services);
        var chat = new ChatEndpointHandler(services);
        var unknown = new UnknownPathHandler(services);
        const string StreamType = "text/event-stream; charset=utf-8";
        const string JsonType = "application/json";
        var quota = new OpenAIQuota();

        var responses = new ChatEndpoint(
            EmulatorProviders.OpenAI, "openai/responses", auth, responsesErrors, catalog,
            new ResponsesRequestReader(), new ResponsesRenderer(), StreamType, JsonType, quota);
        var completions = new ChatEndpoint(
            EmulatorProviders.OpenAI, "openai/chat-completions", auth, chatErrors, catalog,
            new ChatCompletionsRequestReader(), new ChatCompletionsRenderer(), StreamType, JsonType, quota);

        var group = routes.MapGroup("/" + EmulatorProviders.OpenAI);
        group.MapGet("/v1/models", context => listing.HandleAsync(context, EmulatorProviders.OpenAI, auth, models.List));
        group.MapGet("/v1/models/{id}", context =>
            listing.HandleAsync(context, EmulatorProviders.OpenAI, auth, _ => models.Get((string)context.Request.RouteValues["id"]!)));
        group.MapPost("/v1/responses", context => chat.HandleAsync(context, responses));
        group.MapPost("/v1/chat/completions", context => chat.HandleAsync(context, completions));
        group.Map("/{**path}", context => unknown.HandleAsync(context, EmulatorProviders.OpenAI, auth, responsesErrors));
    }
}
