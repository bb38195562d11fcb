namespace Maestro.Core.Conversations.Transfer;

/// <summary>
/// A session's conversation as a portable JSON document (format "maestro.session", <see cref="CurrentVersion"/>):
/// the session's setup, then its current thread's messages in order with their blocks (text, reasoning, tool calls,
/// tool results with the approval decision, images, files), model, usage and timing. docs/export-format.md describes it;
/// a reader refuses versions it does not know.
/// </summary>
public sealed record ExportDocument(string Format, int Version, DateTimeOffset ExportedAt, ExportedSession Session, IReadOnlyList<ExportedMessage> Messages)
{
    public const string FormatName = "maestro.session";
    public const int CurrentVersion = 1;
}
