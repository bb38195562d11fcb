using Maestro.Core.Quota;
using Maestro.Gateway.Addressing;

namespace Maestro.Gateway.Pools;

/// <summary>
/// The order a pool tries its targets in: auths that are not limited now first, the one limited longest ago (or never)
/// before the others, so load moves to each account as the previous ones hit their limits and comes back once they
/// recover; among equals, the route's own order. Auths limited now go last, soonest to recover first: tried only when
/// nothing else answers. The state comes from <see cref="IAuthLimits"/>.
/// </summary>
internal static class PoolOrder
{
    public static List<Target> Sort(IReadOnlyList<Target> targets, IAuthLimits limits, DateTimeOffset now)
    {
        var ranked = new List<(Target Target, AuthLimitState State, int Position)>(targets.Count);
        for (var i = 0; i < targets.Count; i++)
        {
            ranked.Add((targets[i], limits.Get(targets[i].Auth.Id), i));
        }

        ranked.Sort((a, b) =>
        {
            var aLimited = a.State.IsLimited(now);
            var bLimited = b.State.IsLimited(now);
            if (aLimited != bLimited)
            {
                return aLimited ? 1 : -1;
            }

            var byTime = aLimited
                ? Nullable.Compare(a.State.LimitedUntil, b.State.LimitedUntil)
                : Nullable.Compare(a.State.LastLimitedAt, b.State.LastLimitedAt);
            if (byTime != 0)
            {
                return byTime;
            }

            // Reported quota use (when a provider reports it): the emptier account first.
            var byUse = Nullable.Compare(a.State.MaxUsedPercent, b.State.MaxUsedPercent);
            return byUse != 0 ? byUse : a.Position.CompareTo(b.Position);
        });
        return ranked.ConvertAll(r => r.Target);
    }
}
