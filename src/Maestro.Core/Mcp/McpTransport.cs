namespace Maestro.Core.Mcp;

/// <summary>How Maestro talks to an MCP server.</summary>
public enum McpTransport
{
    /// <summary>A local process; JSON-RPC over its standard input and output.</summary>
    Stdio,

    /// <summary>Streamable HTTP (the current remote transport).</summary>
    Http,

    /// <summary>HTTP with server-sent events (the transport of 2024-11-05, deprecated but still served by many servers).</summary>
    Sse,
}

public static class McpTransportNames
{
    public const string Allowed = "stdio, http or sse";

    public static string ToWire(this McpTransport transport) => transport switch
    {
        McpTransport.Stdio => "stdio",
        McpTransport.Http => "http",
        McpTransport.Sse => "sse",
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>Also accepts the spellings other MCP clients write in their configuration files.</summary>
    public static McpTransport? TryParse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "stdio" => McpTransport.Stdio,
        "http" or "streamable-http" or "streamable_http" or "streamablehttp" => McpTransport.Http,
        "sse" => McpTransport.Sse,
        _ => null,
    };

    public static bool IsRemote(this McpTransport transport) => transport != McpTransport.Stdio;
}
