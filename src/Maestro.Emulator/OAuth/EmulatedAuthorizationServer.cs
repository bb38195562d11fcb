using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Maestro.Wire;

namespace Maestro.Emulator.OAuth;

/// <summary>
/// The emulated authorization servers of OpenAI, Anthropic and Google: authorization codes (auto-consent, or denied
/// consent on request), PKCE, code expiry, refresh-token rotation with reuse detection (a reused refresh token revokes
/// the whole login), device codes, RFC 8693 token exchange and Anthropic's API-key creation. Access tokens it issued
/// are honoured by the emulated provider APIs until they expire or are revoked. Settings and controls are for tests.
/// </summary>
public sealed class EmulatedAuthorizationServer
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly EmulatorJwt _jwt = new();
    private readonly Dictionary<string, IssuedCode> _codes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenFamily> _refreshTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IssuedAccess> _accessTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenFamily> _idTokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DeviceGrant> _devices = new(StringComparer.Ordinal);
    private readonly List<RecordedTokenRequest> _requests = [];

    internal EmulatedAuthorizationServer(TimeProvider time) => _time = time;

    /// <summary>The authorize endpoints answer every request with <c>error=access_denied</c> (the user clicked "Deny").</summary>
    public bool DenyConsent { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long an authorization code can be exchanged.</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The polling interval a device login is told to use, in seconds.</summary>
    public int DevicePollIntervalSeconds { get; set; } = 5;

    /// <summary>Each token request waits this long before it is answered (to widen race windows in tests).</summary>
    public TimeSpan TokenDelay { get; set; }

    /// <summary>The RFC 8693 exchange for an OpenAI API key is refused (as for an account without an API organisation).</summary>
    public bool ApiKeyExchangeFails { get; set; }

    public EmulatedUser User { get; set; } = new();

    /// <summary>Requests to the token, device and API-key endpoints, oldest first; only one provider's when given.</summary>
    public IReadOnlyList<RecordedTokenRequest> TokenRequests(string? provider = null)
    {
        lock (_gate)
        {
            return provider is null ? [.. _requests] : [.. _requests.Where(r => r.Provider == provider)];
        }
    }

    public void ClearTokenRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>Makes the emulated APIs reject this access token from now on (as a provider does with a revoked one).</summary>
    public bool RevokeAccessToken(string accessToken)
    {
        lock (_gate)
        {
            if (!_accessTokens.TryGetValue(accessToken, out var access))
            {
                return false;
            }

            access.Revoked = true;
            return true;
        }
    }

    /// <summary>Revokes the login a refresh token belongs to: its refresh and access tokens stop working.</summary>
    public bool RevokeLogin(string refreshToken)
    {
        lock (_gate)
        {
            if (!_refreshTokens.TryGetValue(refreshToken, out var family))
            {
                return false;
            }

            family.Revoked = true;
            return true;
        }
    }

    /// <summary>The newest refresh token of the login <paramref name="refreshToken"/> belongs to.</summary>
    public string? CurrentRefreshToken(string refreshToken)
    {
        lock (_gate)
        {
            return _refreshTokens.TryGetValue(refreshToken, out var family) ? family.Current : null;
        }
    }

    /// <summary>The user enters <paramref name="userCode"/> on the verification page and approves.</summary>
    public bool ApproveDevice(string userCode) => DecideDevice(userCode, DeviceState.Approved);

    public bool DenyDevice(string userCode) => DecideDevice(userCode, DeviceState.Denied);

    /// <summary>How the emulated APIs treat a bearer token: unknown (not ours), valid, or rejected (expired or revoked).</summary>
    internal TokenState Check(string token)
    {
        lock (_gate)
        {
            if (!_accessTokens.TryGetValue(token, out var access))
            {
                return TokenState.Unknown;
            }

            return access.Revoked || access.Family.Revoked || _time.GetUtcNow() >= access.ExpiresAt ? TokenState.Rejected : TokenState.Valid;
        }
    }

    internal string IssueCode(OAuthDialect dialect, string clientId, string redirectUri, string challenge, string scope, string state, bool offline)
    {
        var code = (dialect == OAuthDialect.Google ? "4/emu-" : "ac_emu_") + EmulatorJwt.Random();
        lock (_gate)
        {
            _codes[code] = new IssuedCode(dialect, clientId, redirectUri, challenge, scope, state, offline, _time.GetUtcNow() + CodeLifetime);
        }

        return code;
    }

    internal TokenResult Token(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var grantType = fields.GetValueOrDefault("grant_type");
        lock (_gate)
        {
            var result = grantType switch
            {
                "authorization_code" => RedeemCode(dialect, fields),
                "refresh_token" => Refresh(dialect, fields),
                "urn:ietf:params:oauth:grant-type:token-exchange" when dialect == OAuthDialect.OpenAI => ExchangeForApiKey(fields),
                null or "" => Error(dialect, 400, "invalid_request", "Missing grant_type."),
                _ => Error(dialect, 400, "unsupported_grant_type", $"Unsupported grant_type '{grantType}'."),
            };
            Record(dialect, "token", grantType, grantType == "refresh_token" ? fields.GetValueOrDefault("refresh_token") : null, result);
            return result;
        }
    }

    internal TokenResult StartDevice(string? clientId)
    {
        lock (_gate)
        {
            TokenResult result;
            if (string.IsNullOrEmpty(clientId))
            {
                result = Error(OAuthDialect.OpenAI, 400, "invalid_request", "Missing client_id.");
            }
            else
            {
                var device = new DeviceGrant("deviceauth_" + EmulatorJwt.Random(12), UserCode(), clientId, _time.GetUtcNow() + DeviceCodeLifetime);
                _devices[device.Id] = device;
                var interval = DevicePollIntervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                result = new TokenResult(200, WireJson.Once(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("device_auth_id", device.Id);
                    w.WriteString("user_code", device.UserCode);
                    // Sent as a string, as OpenAI does.
                    w.WriteString("interval", interval);
                    w.WriteEndObject();
                }), null);
            }

            Record(OAuthDialect.OpenAI, "device_code", null, null, result);
            return result;
        }
    }

    /// <param name="callbackUrl">The redirect URI the device's code is bound to (the issuer's /deviceauth/callback).</param>
    internal TokenResult PollDevice(string? deviceAuthId, string? userCode, string callbackUrl)
    {
        lock (_gate)
        {
            TokenResult result;
            if (deviceAuthId is null || !_devices.TryGetValue(deviceAuthId, out var device) || device.UserCode != userCode)
            {
                result = Nested(404, "deviceauth_not_found", "Unknown device authorization.");
            }
            else if (_time.GetUtcNow() >= device.ExpiresAt)
            {
                result = new TokenResult(410, Flat("expired_token", "The device code has expired."), "expired_token");
            }
            else
            {
                switch (device.State)
                {
                    case DeviceState.Pending:
                        result = Nested(403, "deviceauth_pending", "Device authorization is pending.");
                        break;
                    case DeviceState.Denied:
                        result = new TokenResult(400, Flat("access_denied", "The user denied the device authorization."), "access_denied");
                        break;
                    default:
                        _devices.Remove(device.Id);
                        var verifier = EmulatorJwt.Random(32);
                        var challenge = EmulatorJwt.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                        var code = "ac_emu_" + EmulatorJwt.Random();
                        _codes[code] = new IssuedCode(OAuthDialect.OpenAI, device.ClientId, callbackUrl, challenge,
                            "openid profile email offline_access", null, true, _time.GetUtcNow() + CodeLifetime);
                        result = new TokenResult(200, WireJson.Once(w =>
                        {
                            w.WriteStartObject();
                            w.WriteString("authorization_code", code);
                            w.WriteString("code_challenge", challenge);
                            w.WriteString("code_verifier", verifier);
                            w.WriteEndObject();
                        }), null);
                        break;
                }
            }

            Record(OAuthDialect.OpenAI, "device_token", null, null, result);
            return result;
        }
    }

    /// <summary>Anthropic's create_api_key: a new API key for the signed-in account.</summary>
    internal TokenResult CreateApiKey(string? bearer)
    {
        lock (_gate)
        {
            var valid = bearer is not null && _accessTokens.TryGetValue(bearer, out var access) && !access.Revoked && !access.Family.Revoked &&
                _time.GetUtcNow() < access.ExpiresAt && access.Family.Dialect == OAuthDialect.Anthropic;
            var result = valid
                ? new TokenResult(200, WireJson.Once(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("raw_key", "sk-ant-api03-emu-" + EmulatorJwt.Random());
                    w.WriteEndObject();
                }), null)
                : new TokenResult(401, WireJson.Once(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("type", "error");
                    w.WriteStartObject("error");
                    w.WriteString("type", "authentication_error");
                    w.WriteString("message", "Invalid bearer token");
                    w.WriteEndObject();
                    w.WriteEndObject();
                }), "authentication_error");
            Record(OAuthDialect.Anthropic, "api_key", null, null, result);
            return result;
        }
    }

    private TokenResult RedeemCode(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var code = fields.GetValueOrDefault("code");
        if (string.IsNullOrEmpty(code) || !_codes.TryGetValue(code, out var issued) || issued.Dialect != dialect)
        {
            return Error(dialect, 400, "invalid_grant", "Invalid authorization code.");
        }

        if (issued.Used)
        {
            return Error(dialect, 400, "invalid_grant", "The authorization code has already been used.");
        }

        issued.Used = true;
        if (_time.GetUtcNow() >= issued.ExpiresAt)
        {
            return Error(dialect, 400, "invalid_grant", "The authorization code has expired.");
        }

        if (fields.GetValueOrDefault("client_id") != issued.ClientId)
        {
            return Error(dialect, 400, "invalid_grant", "The authorization code was issued to another client.");
        }

        if (dialect.RequiresClientSecret && string.IsNullOrEmpty(fields.GetValueOrDefault("client_secret")))
        {
            return Error(dialect, 401, "invalid_client", "Unauthorized");
        }

        if (fields.GetValueOrDefault("redirect_uri") != issued.RedirectUri)
        {
            return Error(dialect, 400, "invalid_grant", "redirect_uri does not match the authorization request.");
        }

        if (dialect.RequiresStateInTokenRequest && fields.GetValueOrDefault("state") != issued.State)
        {
            return Error(dialect, 400, "invalid_grant", "state does not match the authorization request.");
        }

        var verifier = fields.GetValueOrDefault("code_verifier") ?? "";
        if (EmulatorJwt.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != issued.Challenge)
        {
            return Error(dialect, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
        }

        var family = new TokenFamily(dialect, issued.ClientId, issued.Scope);
        return new TokenResult(200, Issue(family, refresh: issued.Offline, initial: true), null);
    }

    private TokenResult Refresh(OAuthDialect dialect, IReadOnlyDictionary<string, string> fields)
    {
        var token = fields.GetValueOrDefault("refresh_token");
        if (string.IsNullOrEmpty(token) || !_refreshTokens.TryGetValue(token, out var family) || family.Dialect != dialect)
        {
            return RefreshError(dialect, "invalid_grant", "Refresh token not found or invalid.");
        }

        if (dialect.RequiresClientSecret && string.IsNullOrEmpty(fields.GetValueOrDefault("client_secret")))
        {
            return Error(dialect, 401, "invalid_client", "Unauthorized");
        }

        if (fields.GetValueOrDefault("client_id") != family.ClientId)
        {
            return RefreshError(dialect, "invalid_grant", "The refresh token was issued to another client.");
        }

        if (family.Revoked)
        {
            return dialect == OAuthDialect.OpenAI
                ? RefreshError(dialect, "refresh_token_invalidated", "Your refresh token has been invalidated. Please try signing in again.")
                : RefreshError(dialect, "invalid_grant", "Token has been expired or revoked.");
        }

        if (dialect.RotatesRefreshTokens && family.Current != token)
        {
            // Reuse of a rotated refresh token: someone holds a copy. Revoke the whole login.
            family.Revoked = true;
            return dialect == OAuthDialect.OpenAI
                ? RefreshError(dialect, "refresh_token_reused", "Your refresh token has already been used to generate a new access token. Please try signing in again.")
                : RefreshError(dialect, "invalid_grant", "Refresh token has already been used (refresh_token_reused); the login was revoked.");
        }

        return new TokenResult(200, Issue(family, refresh: dialect.RotatesRefreshTokens, initial: false), null);
    }

    private TokenResult ExchangeForApiKey(IReadOnlyDictionary<string, string> fields)
    {
        var subject = fields.GetValueOrDefault("subject_token");
        if (fields.GetValueOrDefault("requested_token") != "openai-api-key" ||
            fields.GetValueOrDefault("subject_token_type") != "urn:ietf:params:oauth:token-type:id_token")
        {
            return Error(OAuthDialect.OpenAI, 400, "invalid_request", "Only requested_token=openai-api-key from an id_token is supported.");
        }

        if (subject is null || !_idTokens.TryGetValue(subject, out var family) || family.Revoked)
        {
            return Error(OAuthDialect.OpenAI, 400, "invalid_grant", "Invalid subject_token.");
        }

        if (ApiKeyExchangeFails)
        {
            return new TokenResult(401, Nested401("invalid_subject_token", "Invalid ID token: missing organization_id"), "invalid_subject_token");
        }

        return new TokenResult(200, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", "sk-proj-emu-" + EmulatorJwt.Random());
            w.WriteString("issued_token_type", "urn:openai:params:oauth:token-type:openai-api-key");
            w.WriteString("token_type", "bearer");
            w.WriteEndObject();
        }), null);
    }

    /// <summary>New tokens for a login, in the dialect's answer shape; a rotation makes the new refresh token the only valid one.</summary>
    private byte[] Issue(TokenFamily family, bool refresh, bool initial)
    {
        var dialect = family.Dialect;
        var now = _time.GetUtcNow();
        var expires = now + AccessTokenLifetime;
        var seconds = (long)AccessTokenLifetime.TotalSeconds;
        var access = dialect == OAuthDialect.OpenAI
            ? _jwt.Create(w =>
            {
                w.WriteString("iss", "https://auth.openai.com");
                w.WriteString("sub", "user-emulated");
                w.WriteNumber("iat", now.ToUnixTimeSeconds());
                w.WriteNumber("exp", expires.ToUnixTimeSeconds());
                w.WriteString("jti", EmulatorJwt.Random(8));
                WriteOpenAIAuthClaim(w);
            })
            : dialect.AccessPrefix + EmulatorJwt.Random();
        _accessTokens[access] = new IssuedAccess(family, expires);

        string? refreshToken = null;
        if (refresh)
        {
            refreshToken = dialect.RefreshPrefix + EmulatorJwt.Random();
            family.Current = refreshToken;
            _refreshTokens[refreshToken] = family;
        }

        string? idToken = null;
        if (dialect == OAuthDialect.OpenAI || (dialect == OAuthDialect.Google && family.Scope.Split(' ').Contains("openid")))
        {
            idToken = _jwt.Create(w =>
            {
                w.WriteString("iss", dialect == OAuthDialect.OpenAI ? "https://auth.openai.com" : "https://accounts.google.com");
                w.WriteString("aud", family.ClientId);
                w.WriteString("sub", "user-emulated");
                w.WriteString("email", User.Email);
                w.WriteBoolean("email_verified", true);
                w.WriteNumber("iat", now.ToUnixTimeSeconds());
                w.WriteNumber("exp", expires.ToUnixTimeSeconds());
                if (dialect == OAuthDialect.OpenAI)
                {
                    WriteOpenAIAuthClaim(w);
                }
            });
            _idTokens[idToken] = family;
        }

        return WireJson.Once(w =>
        {
            w.WriteStartObject();
            if (dialect == OAuthDialect.Anthropic)
            {
                w.WriteString("token_type", "Bearer");
                w.WriteString("access_token", access);
                w.WriteNumber("expires_in", seconds);
                if (refreshToken is not null)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteString("scope", family.Scope);
                w.WriteStartObject("organization");
                w.WriteString("uuid", User.Organization);
                w.WriteString("name", "Emulated Organization");
                w.WriteEndObject();
                w.WriteStartObject("account");
                w.WriteString("uuid", User.AccountId);
                w.WriteString("email_address", User.Email);
                w.WriteEndObject();
            }
            else if (dialect == OAuthDialect.Google)
            {
                // The order Google uses (see Fixtures/providers/oauth).
                w.WriteString("access_token", access);
                w.WriteNumber("expires_in", seconds);
                if (idToken is not null)
                {
                    w.WriteString("id_token", idToken);
                }

                if (refreshToken is not null && initial)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteString("scope", family.Scope);
                w.WriteString("token_type", "Bearer");
            }
            else
            {
                w.WriteString("id_token", idToken);
                w.WriteString("access_token", access);
                if (refreshToken is not null)
                {
                    w.WriteString("refresh_token", refreshToken);
                }

                w.WriteNumber("expires_in", seconds);
                w.WriteString("scope", family.Scope);
                w.WriteString("token_type", "Bearer");
            }

            w.WriteEndObject();
        });
    }

    private void WriteOpenAIAuthClaim(Utf8JsonWriter w)
    {
        w.WriteStartObject("https://api.openai.com/auth");
        w.WriteString("chatgpt_account_id", User.AccountId);
        w.WriteString("chatgpt_plan_type", User.Plan);
        w.WriteString("chatgpt_user_id", "user-emulated");
        w.WriteString("organization_id", User.Organization);
        w.WriteEndObject();
    }

    private bool DecideDevice(string userCode, DeviceState decision)
    {
        lock (_gate)
        {
            var device = _devices.Values.FirstOrDefault(d => string.Equals(d.UserCode, userCode.Trim(), StringComparison.OrdinalIgnoreCase));
            if (device is null || device.State != DeviceState.Pending || _time.GetUtcNow() >= device.ExpiresAt)
            {
                return false;
            }

            device.State = decision;
            return true;
        }
    }

    private void Record(OAuthDialect dialect, string endpoint, string? grantType, string? refreshToken, TokenResult result) =>
        _requests.Add(new RecordedTokenRequest(_time.GetUtcNow(), dialect.Name, endpoint, grantType, refreshToken, result.Status, result.Error));

    private static string UserCode()
    {
        const string Letters = "BCDFGHJKLMNPQRSTVWXZ";
        Span<char> code = stackalloc char[9];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = i == 4 ? '-' : Letters[RandomNumberGenerator.GetInt32(Letters.Length)];
        }

        return new string(code);
    }

    /// <summary>A refresh failure: OpenAI answers 401 with its nested error object; the others RFC 6749's 400.</summary>
    private static TokenResult RefreshError(OAuthDialect dialect, string code, string description) => dialect == OAuthDialect.OpenAI
        ? new TokenResult(401, Nested401(code, description), code)
        : Error(dialect, 400, code, description);

    private static TokenResult Error(OAuthDialect dialect, int status, string code, string description) =>
        new(status, Flat(code, description), code);

    private static byte[] Flat(string code, string description) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", code);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    });

    private static TokenResult Nested(int status, string code, string message) => new(status, Nested401(code, message), code);

    private static byte[] Nested401(string code, string message) => WireJson.Once(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", "invalid_request_error");
        w.WriteNull("param");
        w.WriteString("code", code);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private sealed record IssuedCode(
        OAuthDialect Dialect, string ClientId, string RedirectUri, string Challenge, string Scope, string? State, bool Offline, DateTimeOffset ExpiresAt)
    {
        public bool Used { get; set; }
    }

    /// <summary>One login: the refresh tokens issued from one authorization code, of which only the newest is valid.</summary>
    private sealed class TokenFamily(OAuthDialect dialect, string clientId, string scope)
    {
        public OAuthDialect Dialect { get; } = dialect;

        public string ClientId { get; } = clientId;

        public string Scope { get; } = scope;

        public string? Current { get; set; }

        public bool Revoked { get; set; }
    }

    private sealed class IssuedAccess(TokenFamily family, DateTimeOffset expiresAt)
    {
        public TokenFamily Family { get; } = family;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public bool Revoked { get; set; }
    }

    private enum DeviceState
    {
        Pending,
        Approved,
        Denied,
    }

    private sealed class DeviceGrant(string id, string userCode, string clientId, DateTimeOffset expiresAt)
    {
        public string Id { get; } = id;

        public string UserCode { get; } = userCode;

        public string ClientId { get; } = clientId;

        public DateTimeOffset ExpiresAt { get; } = expiresAt;

        public DeviceState State { get; set; }
    }
}

internal enum TokenState
{
    Unknown,
    Valid,
    Rejected,
}

/// <summary>An answer of an emulated authorization endpoint: status, JSON body, and the OAuth error code if any.</summary>
internal sealed record TokenResult(int Status, byte[] Body, string? Error);
