using System.Text.Json;
using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>Reads a Responses API body (<c>input</c> as a string or a list of items).</summary>
internal sealed class ResponsesRequestReader : IChatRequestReader
{
    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        var model = OpenAIContent.Model(root);
        if (model is null)
        {
            error = "Missing required parameter: 'model'.";
            return null;
        }

        error = null;
        return new ChatRequest
        {
            Provider = EmulatorProviders.OpenAI,
            Body = body,
            Json = root,
            Model = model,
            Stream = OpenAIContent.IsTrue(root, "stream"),
            LastUserText = root.TryGetProperty("input", out var input) ? LastUserText(input) : "",
            // Reasoning text only comes back when a summary is asked for.
            WantsReasoning = root.TryGetProperty("reasoning", out var reasoning) && reasoning.ValueKind == JsonValueKind.Object
                && reasoning.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.String,
            Credential = credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) => OpenAIContent.Model(root);

    /// <summary>A string input; else the last user message or function_call_output item.</summary>
    private static string LastUserText(JsonElement input)
    {
        if (input.ValueKind == JsonValueKind.String)
        {
            return input.GetString()!;
        }

        if (input.ValueKind != JsonValueKind.Array)
        {
            return "";
        }

        for (var i = input.GetArrayLength() - 1; i >= 0; i--)
        {
            var item = input[i];
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            if (item.TryGetProperty("type", out var type) && type.GetString() == "function_call_output" && item.TryGetProperty("output", out var output))
            {
                return OpenAIContent.Text(output);
            }

            if (item.TryGetProperty("role", out var role) && role.GetString() == "user" && item.TryGetProperty("content", out var content))
            {
                return OpenAIContent.Text(content);
            }
        }

        return "";
    }
}
