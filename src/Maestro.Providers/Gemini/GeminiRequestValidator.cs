using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Providers.Shared;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Gemini;

/// <summary>Checks a request before anything is written: the model, the history and the options Gemini accepts.</summary>
internal static class GeminiRequestValidator
{
    internal static GeminiModel Validate(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        if (string.IsNullOrWhiteSpace(options?.ModelId))
        {
            throw new ValidationFailedException("model", "No model was given: set the model id (e.g. gemini-2.5-flash).");
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
            throw new ValidationFailedException("messages", "The conversation is empty: Gemini needs at least one user message.");
        }

        foreach (var tool in options?.Tools ?? Array.Empty<AITool>())
        {
            if (tool is AIFunctionDeclaration function && GeminiSchema.Problem(function.JsonSchema) is { } problem)
            {
                throw new ValidationFailedException("tools", $"Tool '{function.Name}' cannot be offered to Gemini: {problem}.");
            }
        }

        return GeminiModel.Parse(options!.ModelId!);
    }
}
