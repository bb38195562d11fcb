namespace Maestro.Core.OAuth;

public enum OAuthFailure
{
    /// <summary>The server is unreachable, overloaded or broken; the same request may work later.</summary>
    Transient,

    /// <summary>
    /// The server refused the grant (<c>invalid_grant</c>, <c>refresh_token_reused</c>, revoked, 401): retrying cannot
    /// help, only a new login can.
    /// </summary>
    Rejected,
}
