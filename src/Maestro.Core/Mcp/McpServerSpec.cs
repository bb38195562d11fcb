namespace Maestro.Core.Mcp;

/// <summary>
/// What a user gives to add or edit an MCP server, shared by the CLI, the REST API, the importers and the UI so that
/// all of them validate the same way. On edit, null members are left as they are.
/// </summary>
public sealed record McpServerSpec
{
    public string? Name { get; init; }

    /// <summary>stdio, http or sse; when absent, stdio if a command is given, http if a URL is.</summary>
    public string? Transport { get; init; }

    public string? Command { get; init; }

    public IReadOnlyList<string>? Args { get; init; }

    /// <summary>"" removes it (the server then starts in Maestro's own working directory).</summary>
    public string? WorkingDirectory { get; init; }

    public string? Url { get; init; }

    /// <summary>Environment variables set for a stdio server. On edit they are merged: a null value removes the variable.</summary>
    public IReadOnlyDictionary<string, string?>? Env { get; init; }

    /// <summary>HTTP headers sent to a remote server (e.g. Authorization). On edit they are merged: a null value removes the header.</summary>
    public IReadOnlyDictionary<string, string?>? Headers { get; init; }

    public bool? Enabled { get; init; }
}
