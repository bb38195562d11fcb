using Maestro.Core.Errors;

namespace Maestro.Core.Mcp;

/// <summary>Why an MCP server could not be started, reached or initialized.</summary>
public enum McpFailure
{
    CommandNotFound,
    /// <summary>The process ended before it finished initializing.</summary>
    Exited,
    ConnectionRefused,
    Unauthorized,
    HttpError,
    Timeout,
    /// <summary>The server answered, but not as an MCP server should.</summary>
    Protocol,
    Other,
}

/// <summary>An MCP server could not be used; the message says why in one line, <see cref="StderrTail"/> holds what the process printed last.</summary>
public sealed class McpConnectionException(string server, McpFailure failure, string message, string? hint = null, IReadOnlyList<string>? stderrTail = null, Exception? inner = null)
    : MaestroException(message, hint, inner)
{
    public string Server { get; } = server;

    public McpFailure Failure { get; } = failure;

    /// <summary>The last lines a stdio server wrote to its standard error (empty for remote servers).</summary>
    public IReadOnlyList<string> StderrTail { get; } = stderrTail ?? [];

    public override string Code => "mcp_server_unavailable";

    public string FailureWire => Failure switch
    {
        McpFailure.CommandNotFound => "command_not_found",
        McpFailure.Exited => "exited",
        McpFailure.ConnectionRefused => "connection_refused",
        McpFailure.Unauthorized => "unauthorized",
        McpFailure.HttpError => "http_error",
        McpFailure.Timeout => "timeout",
        McpFailure.Protocol => "protocol",
        _ => "failed",
    };
}
