namespace Maestro.Gateway.Keys;

/// <summary>Gateway keys in storage (hashes only).</summary>
public interface IGatewayKeyStore
{
    /// <summary>Every key, revoked ones included, with the hash of each live one.</summary>
    Task<IReadOnlyList<(GatewayKey Key, byte[] Hash)>> ListAsync(CancellationToken cancellationToken);

    /// <exception cref="Core.Errors.ConflictException">A key of that name exists.</exception>
    Task<GatewayKey> CreateAsync(NewGatewayKey key, CancellationToken cancellationToken);

    /// <summary>Revokes a live key; false when there is none of that name.</summary>
    Task<bool> RevokeAsync(string name, CancellationToken cancellationToken);

    Task TouchAsync(IReadOnlyCollection<(Guid KeyId, DateTimeOffset At)> used, CancellationToken cancellationToken);
}

public sealed record NewGatewayKey(string Name, byte[] Hash, string Hint, IReadOnlyList<Guid> RouteIds, decimal? BudgetUsd, int? Rpm, int? Tpm);
