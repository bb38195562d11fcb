using System.Text.Json;
using Maestro.Core.Errors;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Checks a chat request before anything is sent, so a mistake costs no provider call and reads the same for the
/// OpenAI and OpenAI-compatible clients.
/// </summary>
public static class ChatRequestValidator
{
    /// <returns>The model id.</returns>
    /// <exception cref="ValidationFailedException">Empty conversation, missing model, or a tool schema that is not an object.</exception>
    public static string Validate(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(options?.ModelId))
        {
            errors.Add("model", "A model is required (ChatOptions.ModelId).");
        }

        var hasTurn = false;
        foreach (var message in messages)
        {
            if (message.Role != ChatRole.System && message.Contents.Count > 0)
            {
                hasTurn = true;
                break;
            }
        }

        if (!hasTurn)
        {
            errors.Add("messages", "The conversation is empty: add at least one user message.");
        }

        foreach (var tool in options?.Tools ?? [])
        {
            if (tool is AIFunctionDeclaration function && !IsObjectSchema(function.JsonSchema))
            {
                errors.Add("tools", $"Tool '{function.Name}' has a parameter schema that is not a JSON object schema ({Describe(function.JsonSchema)}).");
            }
        }

        errors.ThrowIfAny();
        return options!.ModelId!;
    }

    private static bool IsObjectSchema(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object &&
        (!schema.TryGetProperty("type", out var type) || type.ValueKind == JsonValueKind.String && type.ValueEquals("object"));

    private static string Describe(JsonElement schema) =>
        schema.ValueKind != JsonValueKind.Object ? $"got {schema.ValueKind}"
        : schema.TryGetProperty("type", out var type) ? $"type is {type.GetRawText()}"
        : "no type";
}
