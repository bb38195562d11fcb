using System.Net;
using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Microsoft.Extensions.Configuration;

namespace Maestro.Web.Access;

/// <summary>
/// How the web host lets people in: whether authentication is on (<c>--no-auth</c>, <c>MAESTRO_AUTH</c>), the public
/// address behind a reverse proxy (<c>MAESTRO_PUBLIC_URL</c>), the proxies whose X-Forwarded-* headers are believed
/// (<c>MAESTRO_TRUSTED_PROXIES</c>) and the sign-in rate limit (<c>MAESTRO_SIGN_IN_ATTEMPTS_PER_MINUTE</c>).
/// </summary>
public sealed record AccessSettings
{
    public bool Enabled { get; init; } = true;

    /// <summary>Where browsers reach Maestro when that is not where it listens (a TLS reverse proxy).</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>Cookies are marked Secure when browsers reach Maestro over https.</summary>
    public bool SecureCookies => PublicUrl?.Scheme == Uri.UriSchemeHttps;

    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Sign-in attempts per client address per minute.</summary>
    public int SignInAttemptsPerMinute { get; init; } = 10;

    public static AccessSettings From(IConfiguration configuration, WebServerOptions server) => new()
    {
        Enabled = !server.NoAuth && configuration.GetFlag("MAESTRO_AUTH", defaultValue: true),
        PublicUrl = configuration.GetString("MAESTRO_PUBLIC_URL") is null ? null : configuration.GetUrl("MAESTRO_PUBLIC_URL", ""),
        TrustedProxies = ParseNetworks(configuration.GetString("MAESTRO_TRUSTED_PROXIES")),
        SignInAttemptsPerMinute = configuration.GetInt("MAESTRO_SIGN_IN_ATTEMPTS_PER_MINUTE", 10, min: 1, max: 10_000),
    };

    private static IPNetwork[] ParseNetworks(string? text) =>
        [.. (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(ParseNetwork)];

    private static IPNetwork ParseNetwork(string item)
    {
        if (IPNetwork.TryParse(item, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(item, out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new MaestroException(
            $"MAESTRO_TRUSTED_PROXIES: '{item}' is not an IP address or network.",
            "List the reverse proxies' addresses, comma-separated, e.g. 127.0.0.1 or 10.0.0.0/8.");
    }
}
