using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Maestro.Emulator.OAuth.Grants;
using Maestro.Emulator.OAuth.State;
using Maestro.Emulator.Wire;

namespace Maestro.Emulator.OAuth;

/// <summary>
/// OpenAI's device login: a user code to enter on the verification page, polling that answers "pending" until the
/// user approves (then an authorization code with its PKCE verifier) or denies, and expiry.
/// </summary>
internal sealed class DeviceAuthorization(AuthorizationState state, AuthorizationCodes codes, AuthorizationSettings settings, TimeProvider time)
{
    public TokenResult Start(string? clientId)
    {
        lock (state.Gate)
        {
            TokenResult result;
            if (string.IsNullOrEmpty(clientId))
            {
                result = TokenErrors.Error(400, "invalid_request", "Missing client_id.");
            }
            else
            {
                var device = new DeviceGrant("deviceauth_" + EmulatorJwt.Random(12), UserCode(), clientId, time.GetUtcNow() + settings.DeviceCodeLifetime);
                state.Devices[device.Id] = device;
                var interval = settings.DevicePollIntervalSeconds.ToString(CultureInfo.InvariantCulture);
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

            state.Record(OAuthDialect.OpenAI, "device_code", null, null, result);
            return result;
        }
    }

    /// <param name="callbackUrl">The redirect URI the device's code is bound to (the issuer's /deviceauth/callback).</param>
    public TokenResult Poll(string? deviceAuthId, string? userCode, string callbackUrl)
    {
        lock (state.Gate)
        {
            TokenResult result;
            if (deviceAuthId is null || !state.Devices.TryGetValue(deviceAuthId, out var device) || device.UserCode != userCode)
            {
                result = TokenErrors.Nested(404, "deviceauth_not_found", "Unknown device authorization.");
            }
            else if (time.GetUtcNow() >= device.ExpiresAt)
            {
                result = TokenErrors.Error(410, "expired_token", "The device code has expired.");
            }
            else
            {
                switch (device.State)
                {
                    case DeviceState.Pending:
                        result = TokenErrors.Nested(403, "deviceauth_pending", "Device authorization is pending.");
                        break;
                    case DeviceState.Denied:
                        result = TokenErrors.Error(400, "access_denied", "The user denied the device authorization.");
                        break;
                    default:
                        state.Devices.Remove(device.Id);
                        var verifier = EmulatorJwt.Random(32);
                        var challenge = EmulatorJwt.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
                        var code = codes.Issue(OAuthDialect.OpenAI, device.ClientId, callbackUrl, challenge, "openid profile email offline_access", null, true);
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

            state.Record(OAuthDialect.OpenAI, "device_token", null, null, result);
            return result;
        }
    }

    /// <summary>The user enters <paramref name="userCode"/> on the verification page and approves or denies.</summary>
    public bool Decide(string userCode, bool approve)
    {
        lock (state.Gate)
        {
            var device = state.Devices.Values.FirstOrDefault(d => string.Equals(d.UserCode, userCode.Trim(), StringComparison.OrdinalIgnoreCase));
            if (device is null || device.State != DeviceState.Pending || time.GetUtcNow() >= device.ExpiresAt)
            {
                return false;
            }

            device.State = approve ? DeviceState.Approved : DeviceState.Denied;
            return true;
        }
    }

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
}
