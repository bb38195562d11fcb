using System.Globalization;

namespace Maestro.Providers.Gemini;

/// <summary>How a model family is told how much to think.</summary>
internal enum GeminiThinkingStyle
{
    /// <summary>No thinking (Gemini 2.0, 1.5, Gemma, image and speech models): never send a thinkingConfig.</summary>
    None,

    /// <summary>Gemini 2.5 (and the <c>-latest</c> aliases): <c>thinkingBudget</c> in tokens.</summary>
    Budget,

    /// <summary>Gemini 3 and later: <c>thinkingLevel</c> (minimal/low/medium/high).</summary>
    Level,
}

internal enum GeminiTier
{
    Other,
    Pro,
    Flash,
    FlashLite,
}

/// <summary>
/// What Maestro knows about a Gemini model from its id alone: its family, default output budget, context window and
/// thinking controls. Used when the caller gives no MaxOutputTokens and to map ChatOptions.Reasoning.
/// </summary>
internal readonly record struct GeminiModel(string Id, decimal? Version, GeminiTier Tier, bool IsGemini, bool IsMediaModel)
{
    /// <summary>Accepts <c>gemini-2.5-flash</c>, <c>models/gemini-3-pro-preview</c>, <c>gemini-flash-latest</c>, …</summary>
    public static GeminiModel Parse(string model)
    {
        var id = model.StartsWith("models/", StringComparison.Ordinal) ? model["models/".Length..] : model;
        var lower = id.ToLowerInvariant();
        var isGemini = lower.StartsWith("gemini-", StringComparison.Ordinal);
        decimal? version = null;
        if (isGemini)
        {
            var rest = lower.AsSpan("gemini-".Length);
            var end = 0;
            while (end < rest.Length && (char.IsAsciiDigit(rest[end]) || rest[end] == '.'))
            {
                end++;
            }

            if (end > 0 && decimal.TryParse(rest[..end], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
            {
                version = parsed;
            }
        }

        var tier = lower.Contains("-flash-lite", StringComparison.Ordinal) ? GeminiTier.FlashLite
            : lower.Contains("-flash", StringComparison.Ordinal) ? GeminiTier.Flash
            : lower.Contains("-pro", StringComparison.Ordinal) ? GeminiTier.Pro
            : GeminiTier.Other;
        var media = lower.Contains("-image", StringComparison.Ordinal) || lower.Contains("-tts", StringComparison.Ordinal) ||
                    lower.Contains("nano-banana", StringComparison.Ordinal);
        return new GeminiModel(id, version, tier, isGemini, media);
    }

    /// <summary>An alias such as gemini-flash-latest: it moves between generations, so only version-neutral settings are safe.</summary>
    public bool IsAlias => IsGemini && Version is null;

    public bool IsGemini3OrLater => Version >= 3;

    public GeminiThinkingStyle Thinking => !IsGemini ? GeminiThinkingStyle.None
        : Version >= 3 ? GeminiThinkingStyle.Level
        : IsMediaModel ? GeminiThinkingStyle.None
        : Version == 2.5m || IsAlias ? GeminiThinkingStyle.Budget
        : GeminiThinkingStyle.None;

    /// <summary>
    /// The output budget sent when the caller sets none: the model's documented maximum (2.5 and 3.x: 65,536; thinking
    /// tokens count against it on 2.5, so a smaller default would cut long answers short), else 8,192.
    /// </summary>
    public int DefaultMaxOutputTokens => !IsGemini ? 8192
        : IsMediaModel ? (Id.Contains("-tts", StringComparison.OrdinalIgnoreCase) ? 16384 : 32768)
        : Version is null || Version >= 2.5m ? 65536
        : 8192;

    /// <summary>Input token limit of the text models (1,048,576 for 1.5 and later); null when not known from the id.</summary>
    public int? ContextWindow => IsGemini && !IsMediaModel && (Version is null || Version >= 1.5m) ? 1_048_576 : null;
}
