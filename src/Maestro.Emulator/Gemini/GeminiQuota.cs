using Maestro.Emulator.Hosting;
using Maestro.Wire.Gemini;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// Gemini (and Code Assist) send no quota headers: an account's limits show only when one is hit, as a 429
/// RESOURCE_EXHAUSTED whose details name the quota (<c>QuotaFailure</c>: the daily request quota of the model, its value)
/// and when to retry (<c>RetryInfo</c>).
/// </summary>
internal sealed class GeminiQuota : IQuotaReporter
{
    private const int DefaultResetSeconds = 3600;

    public void WriteHeaders(HttpContext context, EmulatedQuota quota, DateTimeOffset now)
    {
    }

    public JsonReply Exhausted(HttpContext context, EmulatedQuota quota, DateTimeOffset now, string model)
    {
        var seconds = quota.ResetSeconds(DefaultResetSeconds);
        var body = GoogleErrorBody.Write(
            429,
            "RESOURCE_EXHAUSTED",
            $"You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 250, model: {model}\nPlease retry in {seconds}s.",
            w =>
            {
                GoogleErrorBody.WriteQuotaFailure(
                    w, "generativelanguage.googleapis.com/generate_content_free_tier_requests", "GenerateRequestsPerDayPerProjectPerModel-FreeTier", model, "250");
                GoogleErrorBody.WriteRetryInfo(w, seconds);
            });
        return new JsonReply(429, body, GoogleErrorBody.ContentType);
    }
}
