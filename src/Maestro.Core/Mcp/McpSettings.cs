using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Core.Mcp;

/// <summary>Time limits for MCP servers.</summary>
public sealed record McpSettings
{
    public const string ConnectTimeoutSetting = "MAESTRO_MCP_TIMEOUT";
    public const string CallTimeoutSetting = "MAESTRO_MCP_CALL_TIMEOUT";

    /// <summary>Starting or connecting, initializing and listing tools (MAESTRO_MCP_TIMEOUT, seconds).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One tool call (MAESTRO_MCP_CALL_TIMEOUT, seconds).</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public static McpSettings Read(IConfiguration configuration) => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(configuration.GetInt(ConnectTimeoutSetting, 30, min: 1, max: 3600)),
        CallTimeout = TimeSpan.FromSeconds(configuration.GetInt(CallTimeoutSetting, 120, min: 1, max: 86_400)),
    };
}
