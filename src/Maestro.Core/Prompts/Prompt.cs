namespace Maestro.Core.Prompts;

/// <summary>A reusable, versioned system prompt; a persona is one that describes who the agent is.</summary>
public sealed record Prompt(Guid Id, string Name, PromptKind Kind, string? Description, int LatestVersion, string LatestContent, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public enum PromptKind
{
    Persona,
    System,
}

public sealed record PromptVersion(Guid PromptId, int Version, string Content, DateTimeOffset CreatedAt);
