using Maestro.Core.Providers;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Keys;

/// <summary>Endpoint metadata: which client API an endpoint speaks, so its errors (even a missing key) come in that API's shape.</summary>
internal sealed class GatewayApiMetadata(WireApi? api)
{
    /// <summary>The API, or null when the request decides (<c>GET /v1/models</c>: Anthropic's shape with <c>anthropic-version</c>).</summary>
    public WireApi? Api { get; } = api;

    public WireApi For(HttpRequest request) =>
        Api ?? (request.Headers.ContainsKey("anthropic-version") ? WireApi.Messages : WireApi.ChatCompletions);
}
