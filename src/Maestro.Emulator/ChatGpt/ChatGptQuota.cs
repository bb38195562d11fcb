using System.Globalization;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// The ChatGPT plan's usage windows, as the Codex backend reports them on every answer (and the Codex CLI reads them):
/// <c>x-codex-primary-{used-percent,window-minutes,reset-at,reset-after-seconds}</c> for the 5-hour window, the same for
/// <c>secondary</c> (the weekly window, at half the primary's use), and the credits headers. Used up: 429
/// <c>usage_limit_reached</c> with <c>plan_type</c>, <c>resets_at</c> and <c>resets_in_seconds</c>.
/// </summary>
internal sealed class ChatGptQuota : IQuotaReporter
{
    private const int DefaultResetSeconds = 3 * 3600;
    private const int WeeklyResetSeconds = 5 * 86400;

    public void WriteHeaders(HttpContext context, EmulatedQuota quota, DateTimeOffset now)
    {
        var headers = context.Response.Headers;
        var primaryReset = quota.ResetSeconds(DefaultResetSeconds);
        Window(headers, "primary", quota.Used, 300, now, primaryReset);
        Window(headers, "secondary", quota.Used / 2, 10080, now, WeeklyResetSeconds);
        headers["x-codex-primary-over-secondary-limit-percent"] = "0";
        headers["x-codex-credits-has-credits"] = "False";
        headers["x-codex-credits-unlimited"] = "False";
        headers["x-codex-credits-balance"] = "0";
    }

    public JsonReply Exhausted(HttpContext context, EmulatedQuota quota, DateTimeOffset now, string model)
    {
        var seconds = quota.ResetSeconds(DefaultResetSeconds);
        return new JsonReply(429, WireJson.Once(w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("type", "usage_limit_reached");
            w.WriteString("message", "The usage limit has been reached");
            w.WriteString("plan_type", "plus");
            w.WriteNumber("resets_at", now.AddSeconds(seconds).ToUnixTimeSeconds());
            w.WriteNumber("resets_in_seconds", seconds);
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }

    private static void Window(IHeaderDictionary headers, string which, double used, int minutes, DateTimeOffset now, int resetSeconds)
    {
        var culture = CultureInfo.InvariantCulture;
        headers[$"x-codex-{which}-used-percent"] = used.ToString("0.##", culture);
        headers[$"x-codex-{which}-window-minutes"] = minutes.ToString(culture);
        headers[$"x-codex-{which}-reset-at"] = now.AddSeconds(resetSeconds).ToUnixTimeSeconds().ToString(culture);
        headers[$"x-codex-{which}-reset-after-seconds"] = resetSeconds.ToString(culture);
    }
}
