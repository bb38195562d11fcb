using System.Text;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Gemini;

/// <summary>Reads a generateContent body; the model and streaming come from the path.</summary>
internal sealed class GeminiRequestReader : IChatRequestReader
{
    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        var target = GeminiTarget.Of(context);
        if (!root.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
        {
            error = "* GenerateContentRequest.contents: contents is not specified\n";
            return null;
        }

        error = null;
        return new ChatRequest
        {
            Provider = EmulatorProviders.Gemini,
            Body = body,
            Json = root,
            Model = target.Model,
            Stream = target.IsStream,
            LastUserText = LastUserText(contents),
            WantsReasoning = IncludesThoughts(root),
            Credential = credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) => GeminiTarget.Of(context).Model;

    internal static bool IncludesThoughts(JsonElement root) =>
        root.TryGetProperty("generationConfig", out var config) && config.ValueKind == JsonValueKind.Object
        && config.TryGetProperty("thinkingConfig", out var thinking) && thinking.ValueKind == JsonValueKind.Object
        && thinking.TryGetProperty("includeThoughts", out var include) && include.ValueKind == JsonValueKind.True;

    /// <summary>The text parts of the last user turn; if it holds only function responses, their JSON.</summary>
    internal static string LastUserText(JsonElement contents)
    {
        for (var i = contents.GetArrayLength() - 1; i >= 0; i--)
        {
            var content = contents[i];
            var isUser = !content.TryGetProperty("role", out var role) || role.GetString() == "user";
            if (!isUser || !content.TryGetProperty("parts", out var parts) || parts.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            var text = new StringBuilder();
            var responses = new StringBuilder();
            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("text", out var value) && value.ValueKind == JsonValueKind.String)
                {
                    text.Append(text.Length > 0 ? "\n" : "").Append(value.GetString());
                }
                else if (part.TryGetProperty("functionResponse", out var response))
                {
                    responses.Append(responses.Length > 0 ? "\n" : "").Append(WireJson.Compact(response));
                }
            }

            return text.Length > 0 ? text.ToString() : responses.ToString();
        }

        return "";
    }
}
