namespace Maestro.Core.Auths;

/// <summary>Persistence of auths. Implementations encrypt credentials; callers only see plaintext records.</summary>
public interface IAuthStore
{
    Task<IReadOnlyList<AuthRecord>> ListAsync(string? provider, CancellationToken cancellationToken);

    Task<AuthRecord?> FindAsync(string provider, string name, CancellationToken cancellationToken);

    Task<StoredAuth?> FindWithCredentialsAsync(string provider, string name, CancellationToken cancellationToken);

    Task<StoredAuth?> GetWithCredentialsAsync(Guid id, CancellationToken cancellationToken);

    /// <exception cref="Errors.ConflictException">An auth with that provider and name exists.</exception>
    Task<AuthRecord> CreateAsync(NewAuth auth, CancellationToken cancellationToken);

    /// <exception cref="Errors.ConflictException">The new name is taken.</exception>
    Task<AuthRecord> RenameAsync(Guid id, string newName, CancellationToken cancellationToken);

    Task<AuthRecord> UpdateAsync(Guid id, AuthUpdate update, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> while holding an exclusive lock on the auth that every Maestro process on the
    /// same database respects, after re-reading it from storage. The update it returns (if any) is saved before
    /// the lock is released. This is how token refresh stays single-flight across processes.
    /// </summary>
    Task<TResult> WithExclusiveLockAsync<TResult>(
        Guid id,
        Func<StoredAuth, CancellationToken, Task<(AuthUpdate? Update, TResult Result)>> action,
        CancellationToken cancellationToken);
}

public sealed record NewAuth(
    string Provider,
    string Name,
    AuthType Type,
    AuthCredentials Credentials,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset? ExpiresAt = null);

/// <summary>A partial update: null members are left unchanged.</summary>
public sealed record AuthUpdate
{
    public AuthCredentials? Credentials { get; init; }

    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    public AuthStatus? Status { get; init; }

    /// <summary>Set with Status; empty string clears it.</summary>
    public string? StatusMessage { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public bool ClearExpiresAt { get; init; }

    public DateTimeOffset? RefreshedAt { get; init; }

    /// <summary>New tokens from a login or a refresh: the auth is active again, its expiry that of the new token.</summary>
    public static AuthUpdate FreshTokens(AuthCredentials credentials, IReadOnlyDictionary<string, string>? metadata, DateTimeOffset now) => new()
    {
        Credentials = credentials,
        Metadata = metadata,
        Status = AuthStatus.Active,
        StatusMessage = "",
        ExpiresAt = credentials.ExpiresAt,
        ClearExpiresAt = credentials.ExpiresAt is null,
        RefreshedAt = now,
    };
}
