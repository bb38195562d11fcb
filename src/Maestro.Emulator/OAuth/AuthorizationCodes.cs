using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth;

/// <summary>Issues the authorization codes the authorize pages (and approved device logins) hand back, valid for a while.</summary>
internal sealed class AuthorizationCodes(AuthorizationState state, AuthorizationSettings settings, TimeProvider time)
{
    public string Issue(OAuthDialect dialect, string clientId, string redirectUri, string challenge, string scope, string? requestState, bool offline)
    {
        var code = (dialect == OAuthDialect.Google ? "4/emu-" : "ac_emu_") + EmulatorJwt.Random();
        lock (state.Gate)
        {
            state.Codes[code] = new IssuedCode(dialect, clientId, redirectUri, challenge, scope, requestState, offline, time.GetUtcNow() + settings.CodeLifetime);
        }

        return code;
    }
}
