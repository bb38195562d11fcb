namespace Maestro.Core.Providers;

/// <summary>One model from a provider's live list.</summary>
/// <param name="ContextWindow">Input token limit when the provider reports it (or a known default), else null.</param>
/// <param name="MaxOutputTokens">Output token limit when known, else null.</param>
public sealed record ModelInfo(
    string Id,
    string? DisplayName = null,
    int? ContextWindow = null,
    int? MaxOutputTokens = null,
    DateTimeOffset? CreatedAt = null,
    string? OwnedBy = null,
    IReadOnlyList<string>? Capabilities = null);
