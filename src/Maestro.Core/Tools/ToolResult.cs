namespace Maestro.Core.Tools;

/// <summary>
/// What a tool returns. <see cref="Text"/> goes to the model; <see cref="Summary"/> (one line) and
/// <see cref="Details"/> are for the UI's tool card.
/// </summary>
public sealed record ToolResult(string Text, bool IsError = false, string? Summary = null, IReadOnlyDictionary<string, object?>? Details = null)
{
    public static ToolResult Error(string message) => new(message, IsError: true, Summary: message);
}
