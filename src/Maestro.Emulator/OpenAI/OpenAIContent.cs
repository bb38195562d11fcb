using System.Text;
using System.Text.Json;

namespace Maestro.Emulator.OpenAI;

/// <summary>Reads text out of OpenAI message content: a string, or an array of parts with a <c>text</c> field.</summary>
internal static class OpenAIContent
{
    public static string Text(JsonElement content)
    {
        if (content.ValueKind == JsonValueKind.String)
        {
            return content.GetString()!;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        var builder = new StringBuilder();
        foreach (var part in content.EnumerateArray())
        {
            if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
            {
                if (builder.Length > 0)
                {
                    builder.Append('\n');
                }

                builder.Append(text.GetString());
            }
        }

        return builder.ToString();
    }

    public static string? Model(JsonElement? root) =>
        root is { ValueKind: JsonValueKind.Object } json && json.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : null;

    public static bool IsTrue(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
