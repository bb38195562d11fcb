using Maestro.Core.Providers;
using Maestro.Gateway.Keys;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Gateway.Endpoints;

/// <summary>
/// The gateway's routes, each in its client's wire format and authenticated by gateway keys:
/// OpenAI <c>POST /v1/chat/completions</c>, <c>POST /v1/responses</c>; Anthropic <c>POST /v1/messages</c>,
/// <c>POST /v1/messages/count_tokens</c>; <c>GET /v1/models</c> (Anthropic's shape with <c>anthropic-version</c>);
/// Gemini <c>POST /v1beta/models/{model}:generateContent</c>, <c>:streamGenerateContent</c>, <c>GET /v1beta/models</c>.
/// </summary>
public static class GatewayEndpoints
{
    public static IEndpointRouteBuilder MapGateway(this IEndpointRouteBuilder app)
    {
        // Gateway keys, not Maestro's access token or the browser's session, authenticate these routes: the access
        // policy steps aside and the key filter decides (a cookie or the access token alone gets the client's 401).
        var v1 = app.MapGroup("/v1").AllowAnonymous().AddEndpointFilter<GatewayKeyFilter>();
        Post(v1, "/chat/completions", WireApi.ChatCompletions, (context, handler) => handler.HandleAsync(context, WireApi.ChatCompletions));
        Post(v1, "/responses", WireApi.Responses, (context, handler) => handler.HandleAsync(context, WireApi.Responses));
        Post(v1, "/messages", WireApi.Messages, (context, handler) => handler.HandleAsync(context, WireApi.Messages));
        Post(v1, "/messages/count_tokens", WireApi.Messages,
            (context, handler) => handler.HandleAsync(context, WireApi.Messages, method: IPassThroughProvider.CountTokens));
        v1.MapGet("/models", (HttpContext context, ModelListing models) => models.ListAsync(context, Api(context)))
            .WithMetadata(new GatewayApiMetadata(null));
        v1.MapGet("/models/{**id}", (HttpContext context, ModelListing models, string id) => models.GetAsync(context, Api(context), id))
            .WithMetadata(new GatewayApiMetadata(null));

        var v1beta = app.MapGroup("/v1beta").AllowAnonymous().AddEndpointFilter<GatewayKeyFilter>();
        v1beta.MapPost("/models/{**target}", (HttpContext context, GatewayHandler handler, string target) => Generate(context, handler, target))
            .WithMetadata(new GatewayApiMetadata(WireApi.GenerateContent));
        v1beta.MapGet("/models", (HttpContext context, ModelListing models) => models.ListAsync(context, WireApi.GenerateContent))
            .WithMetadata(new GatewayApiMetadata(WireApi.GenerateContent));
        v1beta.MapGet("/models/{**id}", (HttpContext context, ModelListing models, string id) => models.GetAsync(context, WireApi.GenerateContent, id))
            .WithMetadata(new GatewayApiMetadata(WireApi.GenerateContent));
        return app;
    }

    private static void Post(RouteGroupBuilder group, string pattern, WireApi api, Func<HttpContext, GatewayHandler, Task> handle) =>
        group.MapPost(pattern, (HttpContext context, GatewayHandler handler) => handle(context, handler))
            .WithMetadata(new GatewayApiMetadata(api));

    private static WireApi Api(HttpContext context) =>
        context.Request.Headers.ContainsKey("anthropic-version") ? WireApi.Messages : WireApi.ChatCompletions;

    /// <summary><c>{model}:generateContent</c>, <c>{model}:streamGenerateContent</c> or <c>{model}:countTokens</c>; the model may be <c>provider/auth/model</c>.</summary>
    private static Task Generate(HttpContext context, GatewayHandler handler, string target)
    {
        var colon = target.LastIndexOf(':');
        var model = colon > 0 ? target[..colon] : target;
        return (colon > 0 ? target[(colon + 1)..] : "") switch
        {
            "generateContent" => handler.HandleAsync(context, WireApi.GenerateContent, model, pathStream: false),
            "streamGenerateContent" => handler.HandleAsync(context, WireApi.GenerateContent, model, pathStream: true),
            "countTokens" => handler.HandleAsync(context, WireApi.GenerateContent, model, pathStream: false, method: IPassThroughProvider.CountTokens),
            var method => Outbound.ClientErrors.WriteAsync(context, WireApi.GenerateContent, new Outbound.GatewayError(404, Outbound.ErrorClass.NotFound,
                $"Method '{method}' is not served: use :generateContent, :streamGenerateContent or :countTokens.")),
        };
    }
}
