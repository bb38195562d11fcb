namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>The Google Cloud project a Code Assist login works in, and the tier it was onboarded to.</summary>
/// <param name="ProjectId">Sent as <c>project</c> with every request; kept in the auth's <c>project_id</c> metadata.</param>
/// <param name="TierId"><c>free-tier</c>, <c>standard-tier</c>, <c>legacy-tier</c>, … when loadCodeAssist named one.</param>
public sealed record CodeAssistProject(string ProjectId, string? TierId = null, string? TierName = null);
