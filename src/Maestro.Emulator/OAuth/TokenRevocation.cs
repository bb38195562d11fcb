using Maestro.Emulator.OAuth.State;

namespace Maestro.Emulator.OAuth;

/// <summary>Whether an issued access token still works, and revoking tokens or whole logins (as a provider does).</summary>
internal sealed class TokenRevocation(AuthorizationState state, TimeProvider time)
{
    public TokenState Check(string token)
    {
        lock (state.Gate)
        {
            if (!state.AccessTokens.TryGetValue(token, out var access))
            {
                return TokenState.Unknown;
            }

            return access.Revoked || access.Family.Revoked || time.GetUtcNow() >= access.ExpiresAt ? TokenState.Rejected : TokenState.Valid;
        }
    }

    public bool RevokeAccessToken(string accessToken)
    {
        lock (state.Gate)
        {
            if (!state.AccessTokens.TryGetValue(accessToken, out var access))
            {
                return false;
            }

            access.Revoked = true;
            return true;
        }
    }

    public bool RevokeLogin(string refreshToken)
    {
        lock (state.Gate)
        {
            if (!state.RefreshTokens.TryGetValue(refreshToken, out var family))
            {
                return false;
            }

            family.Revoked = true;
            return true;
        }
    }

    public string? CurrentRefreshToken(string refreshToken)
    {
        lock (state.Gate)
        {
            return state.RefreshTokens.TryGetValue(refreshToken, out var family) ? family.Current : null;
        }
    }
}
