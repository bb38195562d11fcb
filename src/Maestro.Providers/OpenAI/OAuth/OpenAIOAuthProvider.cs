using System.Globalization;
using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;
using Microsoft.Extensions.Logging;

namespace Maestro.Providers.OpenAI.OAuth;

/// <summary>
/// Sign in with ChatGPT (Plus/Pro): PKCE with the loopback callback, a pasted callback URL, or the device code for
/// headless machines; the account id, plan and email come from the token claims; an optional RFC 8693 exchange turns
/// the id token into an API key (its failure is tolerated). Nothing identifies Maestro as another product.
/// </summary>
public sealed class OpenAIOAuthProvider(OpenAIOAuthOptions options, OAuthTokenClient tokens, TimeProvider time, ILogger<OpenAIOAuthProvider> logger)
    : IOAuthProvider
{
    /// <summary>The auth mode of ChatGPT logins (inference through the ChatGPT Codex backend).</summary>
    public const string ChatGptMode = "chatgpt";

    private const string TokenServer = "The OpenAI token endpoint";
    private const string DeviceServer = "OpenAI's device login";
    private static readonly TimeSpan DeviceLifetime = TimeSpan.FromMinutes(15);

    public string ProviderId => OpenAIProvider.Id;

    public IReadOnlyList<OAuthLoginMethod> Methods { get; } = [OAuthLoginMethod.Callback, OAuthLoginMethod.Paste, OAuthLoginMethod.Device];

    public IReadOnlyList<string> Modes { get; } = [ChatGptMode];

    public string DescribeMode(string mode) => mode == ChatGptMode ? "ChatGPT subscription" : mode;

    public bool CanCreateApiKey => false;

    public string RedirectUriSetting => "OPENAI_REDIRECT_URI";

    public void EnsureConfigured()
    {
        // Defaults work; nothing is required.
    }

    public Uri RedirectUri(OAuthLoginMethod method) => method == OAuthLoginMethod.Device
        ? OAuthUrls.Append(options.DeviceAuthBaseUrl, "/deviceauth/callback")
        : options.RedirectUri;

    public Uri AuthorizationUrl(OAuthAuthorizationRequest request) => OAuthUrls.WithQuery(options.AuthorizationEndpoint,
    [
        new("response_type", "code"),
        new("client_id", options.ClientId),
        new("redirect_uri", request.RedirectUri.AbsoluteUri),
        new("scope", options.Scopes),
        new("code_challenge", request.CodeChallenge),
        new("code_challenge_method", "S256"),
        // Puts the organisations in the id token, which the API-key exchange needs.
        new("id_token_add_organizations", "true"),
        new("state", request.State),
    ]);

    public async Task<OAuthGrant> ExchangeCodeAsync(OAuthCodeExchange exchange, CancellationToken cancellationToken)
    {
        var response = await tokens.PostFormAsync(options.TokenEndpoint,
        [
            new("grant_type", "authorization_code"),
            new("code", exchange.Code),
            new("redirect_uri", exchange.RedirectUri.AbsoluteUri),
            new("client_id", options.ClientId),
            new("code_verifier", exchange.CodeVerifier),
        ], TokenServer, cancellationToken);
        return await LoginGrantAsync(response, cancellationToken);
    }

    public async Task<OAuthDeviceStart> StartDeviceAsync(OAuthLoginOptions login, CancellationToken cancellationToken)
    {
        var url = OAuthUrls.Append(options.DeviceAuthBaseUrl, "/api/accounts/deviceauth/usercode");
        var (status, body) = await tokens.PostJsonForStatusAsync(url, [new("client_id", options.ClientId)], DeviceServer, cancellationToken);
        if (status == 404)
        {
            throw new MaestroException($"Device-code login is not enabled at {options.DeviceAuthBaseUrl.Authority}.",
                "Use the browser login (leave out --device), or check OPENAI_DEVICE_AUTH_BASE_URL.");
        }

        if (status is < 200 or > 299 || body is null)
        {
            throw new OAuthException(status >= 500 ? OAuthFailure.Transient : OAuthFailure.Rejected,
                $"{DeviceServer} answered {status} when asked for a device code.", statusCode: status);
        }

        var deviceAuthId = body.String("device_auth_id");
        var userCode = body.String("user_code") ?? body.String("usercode");
        if (deviceAuthId is null || userCode is null)
        {
            throw new OAuthException(OAuthFailure.Transient, $"{DeviceServer} answered without a device_auth_id or user_code.");
        }

        var interval = body.Json.TryGetProperty("interval", out var i)
            ? i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out var n) ? n
            : int.TryParse(i.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) ? parsed : 5
            : 5;
        var handle = JsonSerializer.Serialize(new DeviceHandle(deviceAuthId, userCode), OpenAIOAuthJsonContext.Default.DeviceHandle);
        return new OAuthDeviceStart(handle, userCode, OAuthUrls.Append(options.DeviceAuthBaseUrl, "/codex/device"),
            TimeSpan.FromSeconds(Math.Clamp(interval, 1, 60)), time.GetUtcNow() + DeviceLifetime);
    }

    public async Task<OAuthDevicePoll> PollDeviceAsync(string handle, OAuthLoginOptions login, CancellationToken cancellationToken)
    {
        var device = JsonSerializer.Deserialize(handle, OpenAIOAuthJsonContext.Default.DeviceHandle)
            ?? throw new InvalidDataException("The device login handle is empty.");
        var url = OAuthUrls.Append(options.DeviceAuthBaseUrl, "/api/accounts/deviceauth/token");
        var (status, body) = await tokens.PostJsonForStatusAsync(url,
            [new("device_auth_id", device.DeviceAuthId), new("user_code", device.UserCode)], DeviceServer, cancellationToken);
        var error = body?.String("error") ?? body?.String("error", "code");
        switch (status)
        {
            case >= 200 and <= 299 when body?.String("authorization_code") is { } code && body.String("code_verifier") is { } verifier:
                var response = await tokens.PostFormAsync(options.TokenEndpoint,
                [
                    new("grant_type", "authorization_code"),
                    new("code", code),
                    new("redirect_uri", RedirectUri(OAuthLoginMethod.Device).AbsoluteUri),
                    new("client_id", options.ClientId),
                    new("code_verifier", verifier),
                ], TokenServer, cancellationToken);
                return new OAuthDevicePoll(OAuthDevicePollStatus.Approved, await LoginGrantAsync(response, cancellationToken));
            case >= 200 and <= 299:
                throw new OAuthException(OAuthFailure.Transient, $"{DeviceServer} approved the code but sent no authorization code.");
            case 403 or 404 when error is null or "authorization_pending" or "deviceauth_pending":
                return OAuthDevicePoll.Pending;
            case 429 or 400 when error == "slow_down":
                return new OAuthDevicePoll(OAuthDevicePollStatus.SlowDown);
            case 410:
            case >= 400 and < 500 when error is "expired_token" or "deviceauth_expired":
                return new OAuthDevicePoll(OAuthDevicePollStatus.Expired, Message: $"The device code {device.UserCode} expired before it was approved. Start the login again.");
            case >= 400 and < 500 when error is "access_denied" or "deviceauth_denied":
                return new OAuthDevicePoll(OAuthDevicePollStatus.Denied, Message: "The device login was denied at OpenAI. Start the login again when you are ready.");
            case >= 500 or 429:
                throw new OAuthException(OAuthFailure.Transient, $"{DeviceServer} answered {status} while waiting for approval.", statusCode: status);
            default:
                throw new OAuthException(OAuthFailure.Rejected, $"{DeviceServer} answered {status}{(error is null ? "" : $" ({error})")} while waiting for approval.",
                    errorCode: error, statusCode: status);
        }
    }

    public async Task<OAuthGrant> RefreshAsync(StoredAuth auth, CancellationToken cancellationToken)
    {
        var response = await tokens.PostJsonAsync(options.TokenEndpoint,
        [
            new("client_id", options.ClientId),
            new("grant_type", "refresh_token"),
            new("refresh_token", auth.Credentials.RefreshToken),
            new("scope", "openid profile email"),
        ], TokenServer, cancellationToken);
        var credentials = Require(response).ToCredentials(time.GetUtcNow());
        // A refresh answer may leave out the id token; the claims then come from what it did send.
        return new OAuthGrant(credentials, OpenAIIdentity.Metadata(credentials.IdToken ?? auth.Credentials.IdToken, credentials.AccessToken));
    }

    private async Task<OAuthGrant> LoginGrantAsync(OAuthTokenResponse response, CancellationToken cancellationToken)
    {
        var credentials = Require(response).ToCredentials(time.GetUtcNow());
        if (credentials.RefreshToken is null)
        {
            throw new OAuthException(OAuthFailure.Rejected, $"{TokenServer} granted no refresh token; the login could not be kept fresh.",
                "Check that OPENAI_OAUTH_SCOPES includes offline_access.");
        }

        var notes = new List<string>();
        if (options.ApiKeyExchange && credentials.IdToken is { } idToken)
        {
            try
            {
                var exchanged = await tokens.PostFormAsync(options.TokenEndpoint,
                [
                    new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
                    new("client_id", options.ClientId),
                    new("requested_token", "openai-api-key"),
                    new("subject_token", idToken),
                    new("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
                ], TokenServer, cancellationToken);
                if (exchanged.AccessToken is { } key)
                {
                    credentials = credentials with { Extra = new Dictionary<string, string>(StringComparer.Ordinal) { ["api_key"] = key } };
                    notes.Add("An API key was obtained from the login too.");
                }
            }
            catch (OAuthException ex)
            {
                // Accounts without an API organisation cannot get a key; ChatGPT inference does not need one.
                logger.LogInformation("No API key from the ChatGPT login: {Message}", ex.Message);
                notes.Add("No API key was issued for this account (ChatGPT inference does not need one).");
            }
        }

        return new OAuthGrant(credentials, OpenAIIdentity.Metadata(credentials.IdToken, credentials.AccessToken)) { Notes = notes };
    }

    private static OAuthTokenResponse Require(OAuthTokenResponse response) => response.AccessToken is null
        ? throw new OAuthException(OAuthFailure.Transient, $"{TokenServer} answered without an access token.")
        : response;

    internal sealed record DeviceHandle(string DeviceAuthId, string UserCode);
}
