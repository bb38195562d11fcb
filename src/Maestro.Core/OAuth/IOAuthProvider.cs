using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

/// <summary>
/// One provider's OAuth login: its endpoints, how an authorization URL looks, how codes and refresh tokens are
/// exchanged, and what the tokens say about the account. Lives in the provider's folder; Core drives the flow.
/// </summary>
public interface IOAuthProvider
{
    /// <summary>The provider id the auths belong to (e.g. the id in <c>openai/work</c>).</summary>
    string ProviderId { get; }

    /// <summary>The login methods this provider supports; the first is the default.</summary>
    IReadOnlyList<OAuthLoginMethod> Methods { get; }

    /// <summary>The auth modes a login can choose (metadata <c>mode</c>); the first is the default. Empty: no modes.</summary>
    IReadOnlyList<string> Modes { get; }

    /// <summary>How a mode of <see cref="Modes"/> reads where a login is chosen (the sign-in form).</summary>
    string DescribeMode(string mode);

    /// <summary>Whether a login can also create an API key (<see cref="OAuthLoginOptions.CreateApiKey"/>).</summary>
    bool CanCreateApiKey { get; }

    /// <summary>The setting that configures the loopback redirect URI, named when its port is busy.</summary>
    string RedirectUriSetting { get; }

    /// <summary>Throws a <see cref="Errors.MaestroException"/> naming the settings to fix when a login cannot start.</summary>
    void EnsureConfigured();

    /// <summary>
    /// Where the browser is sent back: a loopback address for <see cref="OAuthLoginMethod.Callback"/> (port 0 = any
    /// free port), the provider's code page or the same loopback address (copied from the address bar) for paste.
    /// </summary>
    Uri RedirectUri(OAuthLoginMethod method);

    Uri AuthorizationUrl(OAuthAuthorizationRequest request);

    Task<OAuthGrant> ExchangeCodeAsync(OAuthCodeExchange exchange, CancellationToken cancellationToken);

    Task<OAuthDeviceStart> StartDeviceAsync(OAuthLoginOptions login, CancellationToken cancellationToken);

    Task<OAuthDevicePoll> PollDeviceAsync(string handle, OAuthLoginOptions login, CancellationToken cancellationToken);

    /// <summary>Exchanges the auth's refresh token; throws <see cref="OAuthException"/> (Rejected = a new login is needed).</summary>
    Task<OAuthGrant> RefreshAsync(StoredAuth auth, CancellationToken cancellationToken);
}
