using Maestro.Core.Quota;
using Maestro.Gateway.Addressing;

namespace Maestro.Gateway.Pools;

/// <summary>The targets a pool will try, in order, and those skipped because their quota is used up.</summary>
internal sealed record PoolSelection(List<Target> Ordered, List<ExhaustedTarget> Exhausted);

/// <summary>A target skipped until <paramref name="Until"/>, when its quota resets.</summary>
internal sealed record ExhaustedTarget(Target Target, DateTimeOffset Until, AuthLimitState State);
