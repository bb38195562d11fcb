using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>
/// The <c>{model}:{method}</c> tail of a Gemini path. Split at the last colon, because convention model names contain
/// colons too: <c>models/fixture:text:streamGenerateContent</c> is model <c>fixture:text</c>.
/// </summary>
internal readonly record struct GeminiTarget(string Model, string? Method)
{
    public const string RouteKey = "target";

    public bool IsStream => Method == "streamGenerateContent";

    public bool IsGenerate => Method is "generateContent" or "streamGenerateContent";

    public static GeminiTarget Parse(string target)
    {
        var colon = target.LastIndexOf(':');
        return colon < 0 ? new GeminiTarget(target, null) : new GeminiTarget(target[..colon], target[(colon + 1)..]);
    }

    public static GeminiTarget Of(HttpContext context) => Parse(context.Request.RouteValues[RouteKey] as string ?? "");
}
