namespace Maestro.Core.Usage;

/// <summary>Sums the usage ledger (<see cref="UsageRecord"/>s) by scope.</summary>
/// <remarks>
/// Each method returns one row per model and provider — or several, split at <c>promptThresholds</c>: the calls summed
/// in one row then all had prompts on the same side of every threshold, so a long-context tier prices the row right.
/// </remarks>
public interface IUsageStore
{
    Task<IReadOnlyList<ModelUsage>> BySessionAsync(Guid sessionId, IReadOnlyList<long> promptThresholds, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelUsage>> ByAuthAsync(Guid authId, IReadOnlyList<long> promptThresholds, CancellationToken cancellationToken);
}
