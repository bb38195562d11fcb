namespace Maestro.Core.Mcp;

/// <summary>
/// A configured MCP server. <see cref="Env"/> and <see cref="Headers"/> hold plaintext values here (they often carry
/// tokens): they are encrypted at rest and only ever shown redacted.
/// </summary>
/// <param name="Command">Stdio only: the program to start.</param>
/// <param name="Url">Http and sse only: the server's endpoint.</param>
/// <param name="Version">Grows with every change of the configuration; a pooled connection made with an older version is replaced.</param>
public sealed record McpServer(
    Guid Id,
    string Name,
    McpTransport Transport,
    string? Command,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, string> Env,
    string? WorkingDirectory,
    string? Url,
    IReadOnlyDictionary<string, string> Headers,
    bool Enabled,
    int Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The command line or URL, for one-line displays: secret-looking values redacted (<see cref="McpRedaction"/>), never env or header values.</summary>
    public string Target => Transport == McpTransport.Stdio
        ? string.Join(' ', new[] { Command! }.Concat(McpRedaction.RedactArgs(Args)).Select(ShellWords.Quote))
        : McpRedaction.RedactUrl(Url)!;

    /// <summary>The <see cref="Tools.ToolDefinition.Source"/> of this server's tools.</summary>
    public string ToolSource => $"mcp:{Name}";
}
