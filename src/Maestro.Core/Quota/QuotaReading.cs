namespace Maestro.Core.Quota;

/// <summary>What a response said about the auth's limits.</summary>
/// <param name="Windows">The windows it reported (null: none).</param>
/// <param name="Exhausted">On a 429: the quota is used up until a reset (rather than a momentary rate limit).</param>
/// <param name="Until">On a 429: when the limit lifts, when the response says (a window's reset, a retry delay in the body).</param>
/// <param name="Detail">One line for people.</param>
public sealed record QuotaReading(IReadOnlyList<QuotaWindow>? Windows, bool Exhausted = false, DateTimeOffset? Until = null, string? Detail = null);
