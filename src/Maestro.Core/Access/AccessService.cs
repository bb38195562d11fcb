namespace Maestro.Core.Access;

/// <summary>
/// Who may use Maestro: the access token, the optional password, browser sessions and one-time sign-in links. The web
/// host asks it to sign browsers in and to check their cookies; the CLI uses it to rotate, set the password and print
/// links (straight against the database, like every other CLI command).
/// </summary>
public sealed class AccessService(AccessTokenFile token, IAccessStore store, AccessOptions options, TimeProvider time)
{
    public AccessTokenFile Token => token;

    public AccessOptions Options => options;

    public bool TokenMatches(string presented) => token.Matches(presented);

    /// <summary>Signs a browser in with the access token or the password. Null when neither matches.</summary>
    public async Task<SignedIn?> SignInAsync(string secret, CancellationToken cancellationToken)
    {
        if (secret.Length == 0)
        {
            return null;
        }

        if (token.Matches(secret))
        {
            return await StartSessionAsync(SignInMethod.Token, cancellationToken);
        }

        var hash = await store.GetPasswordHashAsync(cancellationToken);
        return hash is not null && PasswordHasher.Verify(secret, hash)
            ? await StartSessionAsync(SignInMethod.Password, cancellationToken)
            : null;
    }

    /// <summary>Signs a browser in with a one-time code from a sign-in link; null when it is unknown, used or expired.</summary>
    public async Task<SignedIn?> SignInWithCodeAsync(string code, CancellationToken cancellationToken) =>
        code.Length > 0 && await store.RedeemSignInCodeAsync(AccessSecrets.Hash(code), time.GetUtcNow(), cancellationToken)
            ? await StartSessionAsync(SignInMethod.Link, cancellationToken)
            : null;

    /// <summary>A new one-time sign-in code (for a link); only its hash is stored.</summary>
    public async Task<string> CreateSignInCodeAsync(CancellationToken cancellationToken)
    {
        var code = AccessSecrets.Generate();
        var now = time.GetUtcNow();
        await store.CreateSignInCodeAsync(AccessSecrets.Hash(code), now, now + options.SignInCodeLifetime, cancellationToken);
        return code;
    }

    /// <summary>The session behind a cookie value, if it is still valid; its last use is written down at most hourly.</summary>
    public async Task<SessionCheck?> CheckSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var idHash = AccessSecrets.Hash(sessionId);
        var session = await store.FindSessionAsync(idHash, now, cancellationToken);
        if (session is null)
        {
            return null;
        }

        if (now - session.LastSeenAt < options.SessionTouchInterval)
        {
            return new SessionCheck(session, Renewed: false);
        }

        var renewed = session with { LastSeenAt = now, ExpiresAt = now + options.SessionIdleLifetime };
        await store.TouchSessionAsync(idHash, renewed.LastSeenAt, renewed.ExpiresAt, cancellationToken);
        return new SessionCheck(renewed, Renewed: true);
    }

    public Task SignOutAsync(string sessionId, CancellationToken cancellationToken) =>
        store.DeleteSessionAsync(AccessSecrets.Hash(sessionId), cancellationToken);

    /// <summary>
    /// A new access token (unless it comes from the environment) and every browser session ended. Returns how many
    /// sessions ended.
    /// </summary>
    public async Task<int> RotateAsync(CancellationToken cancellationToken)
    {
        if (!token.IsConfigured)
        {
            token.Rotate();
        }

        return await store.EndAllSessionsAsync(cancellationToken);
    }

    /// <summary>Sets the password (or removes it, with null) and ends every browser session; returns how many ended.</summary>
    public async Task<int> SetPasswordAsync(string? password, CancellationToken cancellationToken)
    {
        var hash = password is null ? null : PasswordHasher.Hash(password);
        await store.SetPasswordHashAsync(hash, time.GetUtcNow(), cancellationToken);
        return await store.EndAllSessionsAsync(cancellationToken);
    }

    public async Task<AccessStatus> StatusAsync(CancellationToken cancellationToken) => new(
        token.Source,
        token.IsConfigured,
        await store.GetPasswordHashAsync(cancellationToken) is not null,
        await store.CountSessionsAsync(time.GetUtcNow(), cancellationToken));

    private async Task<SignedIn> StartSessionAsync(SignInMethod method, CancellationToken cancellationToken)
    {
        var id = AccessSecrets.Generate();
        var now = time.GetUtcNow();
        var session = new BrowserSession(AccessSecrets.Hash(id), method, now, now, now + options.SessionIdleLifetime);
        await store.CreateSessionAsync(session, cancellationToken);
        return new SignedIn(id, method, session.ExpiresAt);
    }
}
