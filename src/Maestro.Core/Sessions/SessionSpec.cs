namespace Maestro.Core.Sessions;

/// <summary>
/// What a user gives to create or edit a session; null members are left as they are on edit (and take defaults on
/// create). Shared by the CLI, the REST API and the UI, so all three validate the same way.
/// </summary>
public sealed record SessionSpec
{
    public string? Name { get; init; }

    /// <summary>provider/name.</summary>
    public string? Auth { get; init; }

    public string? Model { get; init; }

    /// <summary>Keep the model even when the auth's live list does not offer it (an endpoint that serves unlisted models).</summary>
    public bool ForceModel { get; init; }

    /// <summary>"" removes the working directory (the session becomes a plain chat).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Built-in tool names; an empty list means none.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>allow, ask or deny: the default permission of every tool.</summary>
    public string? Approve { get; init; }

    /// <summary>tool → allow/ask/deny overrides (replacing the existing ones).</summary>
    public IReadOnlyDictionary<string, string>? ToolPolicies { get; init; }

    /// <summary>"" removes the session's own system prompt.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary>Prompt names, optionally with @version (e.g. "reviewer@3"), in stack order.</summary>
    public IReadOnlyList<string>? Prompts { get; init; }

    /// <summary>MCP server names attached to the session.</summary>
    public IReadOnlyList<string>? McpServers { get; init; }

    public float? Temperature { get; init; }

    public int? MaxOutputTokens { get; init; }

    public string? ReasoningEffort { get; init; }

    public int? RoundLimit { get; init; }

    public bool? AutoCompact { get; init; }

    /// <summary>Secret-looking variables to pass to the shell tool anyway (names or PREFIX*); an empty list clears it.</summary>
    public IReadOnlyList<string>? ShellEnvPassthrough { get; init; }
}
