using Microsoft.Extensions.AI;

namespace Maestro.Core.Context;

/// <summary>A cheap token estimate (about 4 characters per token), good enough to decide when to compact.</summary>
public static class TokenEstimate
{
    public static int Of(string? text) => text is null ? 0 : (text.Length + 3) / 4;

    public static int Of(IEnumerable<ChatMessage> messages)
    {
        var total = 0;
        foreach (var m in messages)
        {
            total += 4 + Of(m.Contents);
        }

        return total;
    }

    /// <summary>Tool definitions as a provider receives them: name, description and the JSON schema of the arguments.</summary>
    public static int Of(IEnumerable<AITool> tools)
    {
        var chars = 0;
        foreach (var tool in tools)
        {
            chars += tool.Name.Length + (tool.Description?.Length ?? 0);
            if (tool is AIFunctionDeclaration function)
            {
                chars += function.JsonSchema.GetRawText().Length;
            }
        }

        return (chars + 3) / 4;
    }

    public static int Of(IEnumerable<AIContent> contents)
    {
        var chars = 0;
        foreach (var c in contents)
        {
            chars += c switch
            {
                TextContent t => t.Text.Length,
                TextReasoningContent r => r.Text.Length,
                FunctionCallContent call => call.Name.Length + (call.Arguments is null ? 0 : System.Text.Json.JsonSerializer.Serialize(call.Arguments).Length),
                FunctionResultContent result => result.Result?.ToString()?.Length ?? 0,
                DataContent => 4 * 1000,
                _ => 0,
            };
        }

        return (chars + 3) / 4;
    }
}
