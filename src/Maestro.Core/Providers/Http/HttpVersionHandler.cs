using System.Net;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Asks for HTTP/2 on every provider request (MAESTRO_PROVIDER_HTTP_VERSION=2), so the turns of one provider share a
/// few connections instead of holding one each: a turn then costs the process one open file (its viewer), not two.
/// Over https the version is negotiated (ALPN) and falls back to HTTP/1.1 when the provider does not offer HTTP/2;
/// over plain http there is no negotiation, so HTTP/2 is spoken from the first byte ("prior knowledge"), which only
/// a local endpoint known to speak it accepts (<c>maestro emulate --http2</c>).
/// </summary>
public sealed class HttpVersionHandler(Version version) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Apply(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Apply(request);
        return base.Send(request, cancellationToken);
    }

    private void Apply(HttpRequestMessage request)
    {
        request.Version = version;
        request.VersionPolicy = request.RequestUri?.Scheme == Uri.UriSchemeHttps
            ? HttpVersionPolicy.RequestVersionOrLower
            : HttpVersionPolicy.RequestVersionExact;
    }

    /// <summary>The versions MAESTRO_PROVIDER_HTTP_VERSION accepts.</summary>
    public static Version Parse(string name, string? text) => text switch
    {
        null or "1.1" => HttpVersion.Version11,
        "2" or "2.0" => HttpVersion.Version20,
        _ => throw new Errors.MaestroException(
            $"{name}='{text}' is not an HTTP version Maestro speaks to providers.",
            $"Set {name} to 1.1 (the default) or 2 (HTTP/2: negotiated over https, prior knowledge over plain http)."),
    };
}
