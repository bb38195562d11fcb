using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire.Anthropic;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// Anthropic's rate-limit headers. An API key gets <c>anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-
/// {limit,remaining,reset}</c> (a tier-4 organization's limits; reset in RFC 3339). A Claude subscription login (an OAuth
/// bearer) gets the unified windows instead: <c>anthropic-ratelimit-unified-{5h,7d}-{utilization,reset,status}</c> and the
/// overall <c>-status</c>, <c>-reset</c>, <c>-representative-claim</c>, <c>-fallback-percentage</c>. Used up: 429
/// <c>rate_limit_error</c> with <c>retry-after</c>, and for a subscription the unified status <c>rejected</c>.
/// </summary>
internal sealed class AnthropicQuota(CredentialPolicy credentials) : IQuotaReporter
{
    private const string Prefix = "anthropic-ratelimit-";
    private const int ApiResetSeconds = 60;
    private const int FiveHourResetSeconds = 3 * 3600;

    private static readonly (string Name, long Limit)[] ApiWindows =
    [
        ("requests", 4_000), ("tokens", 2_400_000), ("input-tokens", 2_000_000), ("output-tokens", 400_000),
    ];

    public void WriteHeaders(HttpContext context, EmulatedQuota quota, DateTimeOffset now)
    {
        var headers = context.Response.Headers;
        if (IsSubscription(context.Request))
        {
            var fiveHour = now.AddSeconds(quota.ResetSeconds(FiveHourResetSeconds));
            var weekly = now.AddDays(5);
            var status = quota.Exhausted ? "rejected" : quota.Used >= 80 ? "allowed_warning" : "allowed";
            headers[Prefix + "unified-status"] = status;
            headers[Prefix + "unified-reset"] = Unix(fiveHour);
            headers[Prefix + "unified-representative-claim"] = "five_hour";
            headers[Prefix + "unified-fallback-percentage"] = "0.5";
            headers[Prefix + "unified-5h-status"] = status;
            headers[Prefix + "unified-5h-reset"] = Unix(fiveHour);
            headers[Prefix + "unified-5h-utilization"] = Fraction(quota.Used);
            headers[Prefix + "unified-7d-status"] = "allowed";
            headers[Prefix + "unified-7d-reset"] = Unix(weekly);
            headers[Prefix + "unified-7d-utilization"] = Fraction(quota.Used / 2);
            headers[Prefix + "unified-overage-status"] = "rejected";
            headers[Prefix + "unified-overage-disabled-reason"] = "org_level_disabled";
            return;
        }

        var reset = now.AddSeconds(quota.ResetSeconds(ApiResetSeconds)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        foreach (var (name, limit) in ApiWindows)
        {
            var remaining = (long)Math.Floor(limit * (100 - quota.Used) / 100);
            headers[Prefix + name + "-limit"] = limit.ToString(CultureInfo.InvariantCulture);
            headers[Prefix + name + "-remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
            headers[Prefix + name + "-reset"] = reset;
        }
    }

    public JsonReply Exhausted(HttpContext context, EmulatedQuota quota, DateTimeOffset now, string model)
    {
        var subscription = IsSubscription(context.Request);
        var wait = quota.ResetSeconds(subscription ? FiveHourResetSeconds : ApiResetSeconds).ToString(CultureInfo.InvariantCulture);
        var requestId = AnthropicErrorBody.NewRequestId();
        var message = subscription
            ? "This request would exceed your account's rate limit. Please try again later."
            : $"This request would exceed the rate limit for your organization of 4,000 requests per minute (emulated, model: {model}). For details, refer to: https://docs.claude.com/en/api/rate-limits.";
        return new JsonReply(429, AnthropicErrorBody.Write("rate_limit_error", message, requestId),
            Headers: [new("retry-after", wait), new("request-id", requestId)]);
    }

    /// <summary>An OAuth access token (a Claude subscription login) rather than an API key.</summary>
    private bool IsSubscription(HttpRequest request) =>
        request.Headers["x-api-key"].ToString().Length == 0 &&
        CredentialPolicy.BearerToken(request.Headers.Authorization.ToString()) is { } bearer &&
        credentials.IsOAuthToken(bearer, "sk-ant-oat");

    private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    private static string Fraction(double percent) => (percent / 100).ToString("0.0###", CultureInfo.InvariantCulture);
}
