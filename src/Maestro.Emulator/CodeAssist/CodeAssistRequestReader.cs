using System.Text.Json;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// Reads Code Assist's envelope, <c>{"model", "project", "user_prompt_id"?, "request": GenerateContentRequest}</c>; the
/// method (streaming or not) comes from the path. The model is a bare id (<c>gemini-2.5-flash</c>).
/// </summary>
internal sealed class CodeAssistRequestReader : IChatRequestReader
{
    public ChatRequest? Read(HttpContext context, ReadOnlyMemory<byte> body, JsonElement root, string? credential, out string? error)
    {
        if (Model(root) is not { } model)
        {
            error = "model is required.";
            return null;
        }

        if (!root.TryGetProperty("project", out var project) || project.ValueKind != JsonValueKind.String || project.GetString()!.Length == 0)
        {
            error = "project is required.";
            return null;
        }

        if (!root.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object)
        {
            error = "request is required.";
            return null;
        }

        if (!request.TryGetProperty("contents", out var contents) || contents.ValueKind != JsonValueKind.Array || contents.GetArrayLength() == 0)
        {
            error = "* GenerateContentRequest.contents: contents is not specified\n";
            return null;
        }

        error = null;
        return new ChatRequest
        {
            Provider = EmulatorProviders.CodeAssist,
            Body = body,
            Json = root,
            Model = model,
            Stream = CodeAssistEndpoints.MethodOf(context) == CodeAssistEndpoints.StreamMethod,
            LastUserText = GeminiRequestReader.LastUserText(contents),
            WantsReasoning = GeminiRequestReader.IncludesThoughts(request),
            Credential = credential,
        };
    }

    public string? PeekModel(HttpContext context, JsonElement? root) => root is { ValueKind: JsonValueKind.Object } json ? Model(json) : null;

    private static string? Model(JsonElement root) =>
        root.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.String && model.GetString() is { Length: > 0 } id ? id : null;
}
