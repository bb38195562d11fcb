namespace Maestro.Core.Usage;

/// <summary>Sums the usage ledger (<see cref="UsageRecord"/>s) by scope.</summary>
public interface IUsageStore
{
    Task<IReadOnlyList<ModelUsage>> BySessionAsync(Guid sessionId, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelUsage>> ByAuthAsync(Guid authId, CancellationToken cancellationToken);
}
