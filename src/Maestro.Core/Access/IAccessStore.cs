namespace Maestro.Core.Access;

/// <summary>
/// Where access state lives (the database, so every instance and every backup shares it): the password hash, browser
/// sessions and one-time sign-in codes, the last two by the SHA-256 hash of their secret only.
/// </summary>
public interface IAccessStore
{
    Task<string?> GetPasswordHashAsync(CancellationToken cancellationToken);

    /// <summary>Sets (or, with null, removes) the password hash.</summary>
    Task SetPasswordHashAsync(string? hash, DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateSessionAsync(BrowserSession session, CancellationToken cancellationToken);

    /// <summary>The session with this id hash, if it exists and has not expired at <paramref name="now"/>.</summary>
    Task<BrowserSession?> FindSessionAsync(byte[] idHash, DateTimeOffset now, CancellationToken cancellationToken);

    Task TouchSessionAsync(byte[] idHash, DateTimeOffset lastSeen, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    Task DeleteSessionAsync(byte[] idHash, CancellationToken cancellationToken);

    /// <summary>Ends every browser session and voids every unused sign-in code; returns how many sessions ended.</summary>
    Task<int> EndAllSessionsAsync(CancellationToken cancellationToken);

    Task<int> CountSessionsAsync(DateTimeOffset now, CancellationToken cancellationToken);

    Task CreateSignInCodeAsync(byte[] codeHash, DateTimeOffset createdAt, DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Uses up the code: true exactly once, and only before it expires (one atomic statement, safe across instances).</summary>
    Task<bool> RedeemSignInCodeAsync(byte[] codeHash, DateTimeOffset now, CancellationToken cancellationToken);
}
