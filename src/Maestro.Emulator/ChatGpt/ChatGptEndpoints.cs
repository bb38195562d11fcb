using Maestro.Emulator.Hosting;
using Maestro.Emulator.OpenAI;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// The ChatGPT Codex backend (what ChatGPT logins are served by) under <c>/chatgpt</c>, so
/// <c>OPENAI_CHATGPT_BASE_URL=http://127.0.0.1:N/chatgpt</c> points Maestro at it: <c>GET /models?client_version=…</c> and
/// <c>POST /responses</c>. Answers are the Responses API's event stream, rendered (and scripted, faulted, replayed from
/// the OpenAI Responses recordings) exactly as on <c>/openai/v1/responses</c>.
/// </summary>
internal static class ChatGptEndpoints
{
    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var errors = new ChatGptErrors();
        var auth = new ChatGptAuth(services.Credentials, errors);
        var models = new ChatGptModelList(errors);
        var listing = new ListingHandler(services);
        var chat = new ChatEndpointHandler(services);
        var unknown = new UnknownPathHandler(services);
        var responses = new ChatEndpoint(
            EmulatorProviders.ChatGpt, "openai/responses", auth, errors, new ChatGptModels(),
            new ChatGptRequestReader(), new ResponsesRenderer(), "text/event-stream; charset=utf-8", "application/json", new ChatGptQuota());

        var group = routes.MapGroup("/" + EmulatorProviders.ChatGpt);
        group.MapGet("/models", context => listing.HandleAsync(context, EmulatorProviders.ChatGpt, auth, models.List));
        group.MapPost("/responses", context => chat.HandleAsync(context, responses));
        group.Map("/{**path}", context => unknown.HandleAsync(context, EmulatorProviders.ChatGpt, auth, errors));
    }
}
