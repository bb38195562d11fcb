using Maestro.Core.Tools;

namespace Maestro.Core.Mcp;

/// <summary>What `maestro mcp test` found: the server's identity and its tools.</summary>
public sealed record McpTestResult(
    string Server,
    string? ServerName,
    string? ServerVersion,
    string? ProtocolVersion,
    IReadOnlyList<McpToolInfo> Tools,
    TimeSpan Elapsed);

/// <param name="Effect">What the tool's annotations say it does; decides whether calls need approval by default.</param>
public sealed record McpToolInfo(string Name, string? Description, ToolEffect Effect);
