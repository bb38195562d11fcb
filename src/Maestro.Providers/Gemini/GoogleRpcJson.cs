using System.Globalization;
using System.Text.Json;

namespace Maestro.Providers.Gemini;

/// <summary>Reading Google's google.rpc.Status bodies: string members and protobuf Durations.</summary>
internal static class GoogleRpcJson
{
    public static string? String(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A protobuf Duration in JSON: decimal seconds with an "s" suffix (<c>48s</c>, <c>0.5s</c>).</summary>
    public static TimeSpan? Duration(string? text) =>
        text is { Length: > 1 } && text.EndsWith('s') &&
        double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? TimeSpan.FromSeconds(seconds)
            : null;
}
