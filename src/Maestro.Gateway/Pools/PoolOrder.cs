using Maestro.Core.Quota;
using Maestro.Gateway.Addressing;

namespace Maestro.Gateway.Pools;

/// <summary>
/// The order a pool tries its targets in, from each auth's quota state (<see cref="IAuthLimits"/>). An auth whose quota
/// is used up until a known reset (a window reported exhausted, a plan's usage limit) is skipped until then: asking it
/// would only cost the client a round trip. The others: auths not limited now first, the one limited longest ago (or
/// never) before the others, so load moves to each account as the previous ones hit their limits and comes back once
/// they recover; then the most headroom (lowest reported use) first; among equals, the route's own order. Auths
/// rate-limited now go last, soonest to recover first: tried only when nothing else answers.
/// </summary>
internal static class PoolOrder
{
    public static PoolSelection Select(IReadOnlyList<Target> targets, IAuthLimits limits, DateTimeOffset now)
    {
        var ranked = new List<(Target Target, AuthLimitState State, int Position)>(targets.Count);
        List<ExhaustedTarget>? exhausted = null;
        for (var i = 0; i < targets.Count; i++)
        {
            var state = limits.Get(targets[i].Auth.Id);
            if (state.ExhaustedUntil(now) is { } until)
            {
                (exhausted ??= []).Add(new ExhaustedTarget(targets[i], until, state));
                continue;
            }

            ranked.Add((targets[i], state, i));
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

            var byUse = Nullable.Compare(a.State.MaxUsedPercentAt(now), b.State.MaxUsedPercentAt(now));
            return byUse != 0 ? byUse : a.Position.CompareTo(b.Position);
        });
        return new PoolSelection(ranked.ConvertAll(r => r.Target), exhausted ?? []);
    }
}
