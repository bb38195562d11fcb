using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.OpenAI;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// A Responses body as the ChatGPT backend takes it: the public API's shape, refused as the backend refuses it when
/// <c>instructions</c> is missing, <c>store</c> is not false, <c>stream</c> is not true (it only streams), or a parameter
/// it does not take is present (<c>max_output_tokens</c>, <c>temperature</c>, <c>top_p</c>).
/// </summary>
internal sealed class ChatGptRequestReader : IChatRequestReader
{
    private static readonly string[] Unsupported = ["max_output_tokens", "temperature", "top_p"];

    private readonly ResponsesRequestReader _responses = new();

    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        foreach (var name in Unsupported)
        {
            if (root.TryGetProperty(name, out _))
            {
                error = $"Unsupported parameter: {name}";
                return null;
            }
        }

        if (!root.TryGetProperty("instructions", out var instructions) || instructions.ValueKind != JsonValueKind.String ||
            instructions.GetString()!.Trim().Length == 0)
        {
            error = "Instructions are required";
            return null;
        }

        if (!root.TryGetProperty("store", out var store) || store.ValueKind != JsonValueKind.False)
        {
            error = "Store must be set to false";
            return null;
        }

        if (!root.TryGetProperty("stream", out var stream) || stream.ValueKind != JsonValueKind.True)
        {
            error = "Stream must be set to true";
            return null;
        }

        if (_responses.Read(context, body, root, credential, out error) is not { } request)
        {
            return null;
        }

        return new ChatRequest
        {
            Provider = EmulatorProviders.ChatGpt,
            Body = request.Body,
            Json = request.Json,
            Model = request.Model,
            Stream = request.Stream,
            LastUserText = request.LastUserText,
            WantsReasoning = request.WantsReasoning,
            Credential = request.Credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) => _responses.PeekModel(context, root);
}
