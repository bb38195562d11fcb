namespace Maestro.Web.Components.Chat;

/// <param name="Attachments">The files attached to it, described ("plan.md (text, 2 KB)").</param>
public sealed record UserMessageView(Guid Id, string Text, bool InContext, DateTimeOffset CreatedAt, IReadOnlyList<string>? Attachments = null);
