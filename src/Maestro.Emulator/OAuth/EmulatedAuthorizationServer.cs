using Maestro.Emulator.OAuth.Grants;
using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth;

/// <summary>
/// The emulated authorization servers of OpenAI, Anthropic and Google: authorization codes (auto-consent, or denied
/// consent on request), PKCE, code expiry, refresh-token rotation with reuse detection (a reused refresh token revokes
/// the whole login), device codes, RFC 8693 token exchange and Anthropic's API-key creation. Access tokens it issued
/// are honoured by the emulated provider APIs until they expire or are revoked. Settings and controls are for tests;
/// each endpoint's logic lives in its own type (<see cref="Grants.TokenEndpoint"/>, <see cref="DeviceAuthorization"/>, …).
/// </summary>
public sealed class EmulatedAuthorizationServer
{
    private readonly AuthorizationSettings _settings = new();
    private readonly AuthorizationState _state;
    private readonly TokenRevocation _revocation;

    internal EmulatedAuthorizationServer(TimeProvider time)
    {
        _state = new AuthorizationState(time);
        _revocation = new TokenRevocation(_state, time);
        Codes = new AuthorizationCodes(_state, _settings, time);
        var issuer = new TokenIssuer(_state, _settings, time);
        Tokens = new TokenEndpoint(
            _state, new AuthorizationCodeGrant(_state, issuer, time), new RefreshTokenGrant(_state, issuer), new ApiKeyExchangeGrant(_state, _settings));
        Devices = new DeviceAuthorization(_state, Codes, _settings, time);
        ApiKeys = new AnthropicApiKeys(_state, time);
    }

    /// <summary>The authorize endpoints answer every request with <c>error=access_denied</c> (the user clicked "Deny").</summary>
    public bool DenyConsent { get => _settings.DenyConsent; set => _settings.DenyConsent = value; }

    public TimeSpan AccessTokenLifetime { get => _settings.AccessTokenLifetime; set => _settings.AccessTokenLifetime = value; }

    /// <summary>How long an authorization code can be exchanged.</summary>
    public TimeSpan CodeLifetime { get => _settings.CodeLifetime; set => _settings.CodeLifetime = value; }

    public TimeSpan DeviceCodeLifetime { get => _settings.DeviceCodeLifetime; set => _settings.DeviceCodeLifetime = value; }

    /// <summary>The polling interval a device login is told to use, in seconds.</summary>
    public int DevicePollIntervalSeconds { get => _settings.DevicePollIntervalSeconds; set => _settings.DevicePollIntervalSeconds = value; }

    /// <summary>Each token request waits this long before it is answered (to widen race windows in tests).</summary>
    public TimeSpan TokenDelay { get => _settings.TokenDelay; set => _settings.TokenDelay = value; }

    /// <summary>The RFC 8693 exchange for an OpenAI API key is refused (as for an account without an API organisation).</summary>
    public bool ApiKeyExchangeFails { get => _settings.ApiKeyExchangeFails; set => _settings.ApiKeyExchangeFails = value; }

    public EmulatedUser User { get => _settings.User; set => _settings.User = value; }

    /// <summary>The authorize pages' code issuance.</summary>
    internal AuthorizationCodes Codes { get; }

    internal TokenEndpoint Tokens { get; }

    internal DeviceAuthorization Devices { get; }

    internal AnthropicApiKeys ApiKeys { get; }

    /// <summary>Requests to the token, device and API-key endpoints, oldest first; only one provider's when given.</summary>
    public IReadOnlyList<RecordedTokenRequest> TokenRequests(string? provider = null) => _state.TokenRequests(provider);

    public void ClearTokenRequests() => _state.ClearTokenRequests();

    /// <summary>Makes the emulated APIs reject this access token from now on (as a provider does with a revoked one).</summary>
    public bool RevokeAccessToken(string accessToken) => _revocation.RevokeAccessToken(accessToken);

    /// <summary>Revokes the login a refresh token belongs to: its refresh and access tokens stop working.</summary>
    public bool RevokeLogin(string refreshToken) => _revocation.RevokeLogin(refreshToken);

    /// <summary>The newest refresh token of the login <paramref name="refreshToken"/> belongs to.</summary>
    public string? CurrentRefreshToken(string refreshToken) => _revocation.CurrentRefreshToken(refreshToken);

    /// <summary>The user enters <paramref name="userCode"/> on the verification page and approves.</summary>
    public bool ApproveDevice(string userCode) => Devices.Decide(userCode, approve: true);

    public bool DenyDevice(string userCode) => Devices.Decide(userCode, approve: false);

    /// <summary>How the emulated APIs treat a bearer token: unknown (not ours), valid, or rejected (expired or revoked).</summary>
    internal TokenState Check(string token) => _revocation.Check(token);
}
