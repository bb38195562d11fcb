using Maestro.Core.Auths;
using Maestro.Core.Tools;

namespace Maestro.Core.Sessions;

/// <summary>
/// A chat session: an agent with an auth, a model, a system prompt stack, tools and a working directory, whose
/// conversation (its current thread) persists.
/// </summary>
/// <param name="Auth">The auth's current provider/name (auths can be renamed; the session follows the id). Null if deleted.</param>
/// <param name="EnabledTools">Built-in tool names; null means all of them.</param>
public sealed record Session(
    Guid Id,
    string Name,
    Guid? AuthId,
    AuthRef? Auth,
    string Model,
    string? WorkingDirectory,
    IReadOnlyList<string>? EnabledTools,
    ToolPolicy Policy,
    IReadOnlyList<Guid> McpServerIds,
    IReadOnlyList<PromptRef> PromptStack,
    string? SystemPrompt,
    SessionSettings Settings,
    Guid? CurrentThreadId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A prompt in a session's stack: a specific version, or (null) always the latest.</summary>
public sealed record PromptRef(Guid PromptId, int? Version);

/// <summary>Per-session model and engine settings; null members use the provider's/engine's defaults.</summary>
public sealed record SessionSettings
{
    public const int DefaultRoundLimit = 25;

    public float? Temperature { get; init; }

    public int? MaxOutputTokens { get; init; }

    /// <summary>none, low, medium, high (see M.E.AI ReasoningEffort).</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>Model calls per turn before the engine stops a tool loop.</summary>
    public int RoundLimit { get; init; } = DefaultRoundLimit;

    /// <summary>Summarize older turns automatically when the context nears the model's window.</summary>
    public bool AutoCompact { get; init; } = true;

    /// <summary>Fraction of the context window at which automatic compaction starts.</summary>
    public double CompactAt { get; init; } = 0.85;

    /// <summary>
    /// Secret-looking environment variables the shell tool gets anyway: names, or prefixes ending in <c>*</c>
    /// (see <see cref="Tools.ToolEnvironment"/>). Empty: none.
    /// </summary>
    public IReadOnlyList<string> ShellEnvPassthrough { get; init; } = [];
}
