using System.Text.Json;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// What API version 2026-10-21 (the first since 2023-06-01, sent by default by the SDK majors released with it) refuses
/// in a Messages request, as its migration notes list: <c>temperature</c>, <c>top_p</c> and <c>top_k</c> (even at their
/// defaults), document blocks in assistant messages, and citations on text blocks in user messages. 2023-06-01 takes all of them.
/// </summary>
internal static class AnthropicVersions
{
    public const string V20261021 = "2026-10-21";

    /// <summary>The 400 message for a request the version refuses, or null.</summary>
    public static string? Refusal(string version, JsonElement root)
    {
        if (string.CompareOrdinal(version, V20261021) < 0)
        {
            return null;
        }

        foreach (var removed in (string[])["temperature", "top_p", "top_k"])
        {
            if (root.TryGetProperty(removed, out _))
            {
                return $"{removed}: Extra inputs are not permitted";
            }
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var m = 0;
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Array)
            {
                var role = message.TryGetProperty("role", out var r) ? r.GetString() : null;
                var b = 0;
                foreach (var block in content.EnumerateArray())
                {
                    var type = block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) ? t.GetString() : null;
                    if (role == "assistant" && type == "document")
                    {
                        return $"messages.{m}.content.{b}: document blocks are not allowed in assistant messages";
                    }

                    if (role == "user" && type == "text" && block.TryGetProperty("citations", out var citations) &&
                        citations.ValueKind == JsonValueKind.Array && citations.GetArrayLength() > 0)
                    {
                        return $"messages.{m}.content.{b}.citations: citations are not allowed on text blocks in user messages";
                    }

                    b++;
                }
            }

            m++;
        }

        return null;
    }
}
