using Maestro.Core.Providers;
using Maestro.Gateway.Directory;
using Maestro.Gateway.Outbound;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Keys;

/// <summary>
/// Gateway routes are authenticated by gateway keys (not Maestro's access token): the key a client presents is hashed
/// and looked up in memory; a missing, unknown or revoked key gets 401 in the client's own error shape.
/// </summary>
internal sealed class GatewayKeyFilter(GatewayDirectory directory) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        var api = context.GetEndpoint()?.Metadata.GetMetadata<GatewayApiMetadata>()?.For(context.Request) ?? WireApi.ChatCompletions;
        var presented = KeyCarriers.Presented(context.Request);
        if (presented is null)
        {
            return Refuse(api, Missing(api));
        }

        var hash = KeyHash.Of(presented);
        var snapshot = await directory.GetAsync(context.RequestAborted);
        var key = snapshot.Key(hash);
        if (key is null && await directory.RefreshAfterMissAsync(snapshot, context.RequestAborted) is { } fresh)
        {
            snapshot = fresh;
            key = snapshot.Key(hash);
        }

        if (key is null)
        {
            return Refuse(api, Invalid(api, presented));
        }

        new GatewayCaller(key, snapshot).Attach(context);
        return await next(invocation);
    }

    private static ErrorResult Refuse(WireApi api, GatewayError error) => new ErrorResult(api, error);

    private static GatewayError Missing(WireApi api) => new(401, ErrorClass.Authentication, api switch
    {
        WireApi.Messages => "x-api-key header is required",
        WireApi.GenerateContent => "Method doesn't allow unregistered callers. Send a Maestro gateway key in x-goog-api-key.",
        _ => "You didn't provide an API key. Send a Maestro gateway key in an Authorization header using Bearer auth (Authorization: Bearer YOUR_KEY); create one with `maestro key create`.",
    });

    private static GatewayError Invalid(WireApi api, string presented) => new(401, ErrorClass.Authentication, api switch
    {
        WireApi.Messages => "invalid x-api-key",
        WireApi.GenerateContent => "API key not valid. Please pass a valid Maestro gateway key.",
        _ => $"Incorrect API key provided: {Mask(presented)}. Gateway keys are listed by `maestro key list`.",
    });

    /// <summary>Only the ends of what was presented, as OpenAI does, so the message never echoes a secret.</summary>
    private static string Mask(string key) =>
        key.Length <= 12 ? new string('*', key.Length) : string.Concat(key.AsSpan(0, 3), new string('*', Math.Min(20, key.Length - 7)), key.AsSpan(key.Length - 4));

    private sealed class ErrorResult(WireApi api, GatewayError error) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ClientErrors.WriteAsync(httpContext, api, error);
    }
}
