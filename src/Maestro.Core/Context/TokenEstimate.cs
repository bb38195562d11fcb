using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
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
                FunctionResultContent result => ResultChars(result.Result),
                DataContent => 4 * 1000,
                _ => 0,
            };
        }

        return (chars + 3) / 4;
    }

    /// <summary>
    /// The length of <c>result.ToString()</c> without making that string: a result read back from the database is a
    /// JsonElement, and every round of a turn estimates every result of its thread (twice), which made each tool's
    /// whole output into a new string every round.
    /// </summary>
    private static int ResultChars(object? result)
    {
        if (result is not JsonElement element)
        {
            return result?.ToString()?.Length ?? 0;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return UnescapedLength(JsonMarshal.GetRawUtf8Value(element)[1..^1]);
            case JsonValueKind.Number or JsonValueKind.Object or JsonValueKind.Array:
                return Encoding.UTF8.GetCharCount(JsonMarshal.GetRawUtf8Value(element));
            case JsonValueKind.True:
                return bool.TrueString.Length;
            case JsonValueKind.False:
                return bool.FalseString.Length;
            default:
                return 0;
        }
    }

    /// <summary>
    /// The UTF-16 length of a JSON string from its escaped UTF-8 bytes: each escape is one character (<c>\n</c>, and
    /// <c>\uXXXX</c>, a pair of which is a surrogate pair), every other byte counts as UTF-8 does.
    /// </summary>
    private static int UnescapedLength(ReadOnlySpan<byte> escaped)
    {
        var chars = Encoding.UTF8.GetCharCount(escaped);
        for (var at = escaped.IndexOf((byte)'\\'); at >= 0;)
        {
            // The escape's bytes are all ASCII, so GetCharCount counted each as a character.
            var length = escaped[at + 1] == (byte)'u' ? 6 : 2;
            chars -= length - 1;
            var next = escaped[(at + length)..].IndexOf((byte)'\\');
            at = next < 0 ? -1 : at + length + next;
        }

        return chars;
    }
}
