using System.Text.Json.Serialization;

namespace Maestro.Emulator;

/// <summary>
/// The quota an emulated account reports, per credential (<c>POST /_emulator/quota</c>, <see cref="EmulatorControl.SetQuota"/>).
/// Each provider sends it in its own headers on every chat answer: Anthropic's <c>anthropic-ratelimit-*</c> (the unified
/// 5-hour/weekly windows for OAuth logins), OpenAI's <c>x-ratelimit-*</c>, the ChatGPT backend's <c>x-codex-*</c>. Gemini
/// sends no quota headers: there only <see cref="Exhausted"/> shows, as a 429 with QuotaFailure and RetryInfo details.
/// JSON form: <c>{ "key", "used_percent", "exhausted", "resets_in_seconds" }</c>.
/// </summary>
public sealed record EmulatedQuota
{
    /// <summary>Every credential without a quota of its own reports this: nothing used, nothing exhausted.</summary>
    public static EmulatedQuota Default { get; } = new();

    /// <summary>0–100: how much of the main window (requests per minute; a subscription's 5-hour window) is used.</summary>
    [JsonPropertyName("used_percent")]
    public double UsedPercent { get; init; }

    /// <summary>Used up: chat requests are refused with the provider's 429 quota error until the reset.</summary>
    [JsonPropertyName("exhausted")]
    public bool Exhausted { get; init; }

    /// <summary>When the main window resets; absent: in a minute for API keys, in 3 hours for a subscription's 5-hour window.</summary>
    [JsonPropertyName("resets_in_seconds")]
    public int? ResetsInSeconds { get; init; }

    /// <summary>The main window's use as reported: 100 when exhausted.</summary>
    internal double Used => Exhausted ? 100 : Math.Clamp(UsedPercent, 0, 100);

    internal int ResetSeconds(int byDefault) => ResetsInSeconds is > 0 and var seconds ? seconds : byDefault;
}
