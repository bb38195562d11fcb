using System.Text.Json;
using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.OpenAI;

/// <summary>Reads a Chat Completions body (<c>messages</c> required).</summary>
internal sealed class ChatCompletionsRequestReader : IChatRequestReader
{
    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        var model = OpenAIContent.Model(root);
        if (model is null)
        {
            error = "you must provide a model parameter";
            return null;
        }

        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            error = "Missing required parameter: 'messages'.";
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
            LastUserText = LastUserText(messages),
            Credential = credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) => OpenAIContent.Model(root);

    /// <summary>The last user or tool message's text.</summary>
    private static string LastUserText(JsonElement messages)
    {
        for (var i = messages.GetArrayLength() - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("role", out var role)
                && role.GetString() is "user" or "tool" && message.TryGetProperty("content", out var content))
            {
                return OpenAIContent.Text(content);
            }
        }

        return "";
    }
}
