namespace Maestro.Core.Conversations.Transfer;

/// <summary>The session an export came from: what an import needs to set up a new one like it.</summary>
/// <param name="Auth">provider/name of the auth it used (an import uses the same one when it exists, else another is chosen).</param>
public sealed record ExportedSession(string Name, string Model, string? Auth = null, string? Provider = null, string? SystemPrompt = null);
