namespace Maestro.Core.Quota;

/// <summary>
/// Where the auths' quota state is kept (PostgreSQL), so it survives restarts and every instance sharing the database
/// sees what the others learned. Written in batches by <see cref="AuthQuotaSync"/>, never per response.
/// </summary>
public interface IAuthQuotaStore
{
    /// <summary>Writes the states; an older state never replaces a newer one, and states of deleted auths are dropped.</summary>
    Task SaveAsync(IReadOnlyList<KeyValuePair<Guid, AuthLimitState>> states, CancellationToken cancellationToken);

    /// <summary>The states written after <paramref name="since"/> (every one when null), by any instance.</summary>
    /// <returns>The states and the store's clock reading to pass as <paramref name="since"/> next time.</returns>
    Task<(IReadOnlyList<KeyValuePair<Guid, AuthLimitState>> States, DateTimeOffset ReadAt)> ChangedSinceAsync(DateTimeOffset? since, CancellationToken cancellationToken);

    /// <summary>One auth's state, or null when nothing was ever reported for it.</summary>
    Task<AuthLimitState?> GetAsync(Guid authId, CancellationToken cancellationToken);
}
