using Microsoft.Extensions.Logging;

namespace Maestro.Core.Tools;

/// <summary>Where and under which limits a tool call runs.</summary>
public sealed class ToolContext
{
    /// <summary>The session's working directory; file tools never leave it.</summary>
    public required string WorkingDirectory { get; init; }

    public required Guid SessionId { get; init; }

    public ToolLimits Limits { get; init; } = new();

    public ILogger Logger { get; init; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Secret-looking variables the session lets processes inherit anyway (see <see cref="ToolEnvironment"/>).</summary>
    public IReadOnlyList<string> EnvironmentPassthrough { get; init; } = [];
}

/// <summary>Bounds that keep tool output useful to the model and keep runaway commands in check.</summary>
public sealed record ToolLimits
{
    /// <summary>Output longer than this is cut to its head and tail, noting the total size (MAESTRO_TOOL_MAX_OUTPUT).</summary>
    public int MaxOutputChars { get; init; } = 30_000;

    /// <summary>Default timeout of a shell command (the model may ask for less or more, up to MaxShellTimeout).</summary>
    public TimeSpan ShellTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan MaxShellTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Hosts http_fetch may reach (MAESTRO_HTTP_FETCH_ALLOW, comma-separated; "*.example.com" wildcards). Empty: none.</summary>
    public IReadOnlyList<string> HttpAllowList { get; init; } = [];
}
