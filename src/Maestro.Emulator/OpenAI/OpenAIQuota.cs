using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire.OpenAI;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// The OpenAI API's rate-limit headers on every answer: <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>,
/// resets as durations (<c>1m0s</c>, <c>6ms</c>), a tier-5 organization's limits. Used up: the 429 <c>insufficient_quota</c>
/// error (the credit balance is spent), which waiting does not clear.
/// </summary>
internal sealed class OpenAIQuota : IQuotaReporter
{
    private const int DefaultResetSeconds = 60;

    private static readonly (string Name, long Limit)[] Windows = [("requests", 10_000), ("tokens", 30_000_000)];

    public void WriteHeaders(HttpContext context, EmulatedQuota quota, DateTimeOffset now)
    {
        var headers = context.Response.Headers;
        var reset = Duration(quota.ResetSeconds(DefaultResetSeconds));
        foreach (var (name, limit) in Windows)
        {
            headers["x-ratelimit-limit-" + name] = limit.ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-" + name] = ((long)Math.Floor(limit * (100 - quota.Used) / 100)).ToString(CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-" + name] = reset;
        }
    }

    public JsonReply Exhausted(HttpContext context, EmulatedQuota quota, DateTimeOffset now, string model) => new(
        429,
        OpenAIErrorBody.Write(
            "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            "insufficient_quota",
            null,
            "insufficient_quota"),
        Headers: [new("x-request-id", OpenAIErrorBody.NewRequestId())]);

    /// <summary>Go's duration format, as OpenAI sends it: <c>1m0s</c>, <c>17s</c>, <c>2h0m0s</c>.</summary>
    private static string Duration(int seconds)
    {
        var span = TimeSpan.FromSeconds(seconds);
        var culture = CultureInfo.InvariantCulture;
        return span.TotalHours >= 1 ? string.Format(culture, "{0}h{1}m{2}s", (int)span.TotalHours, span.Minutes, span.Seconds)
            : span.TotalMinutes >= 1 ? string.Format(culture, "{0}m{1}s", (int)span.TotalMinutes, span.Seconds)
            : string.Format(culture, "{0}s", span.Seconds);
    }
}
