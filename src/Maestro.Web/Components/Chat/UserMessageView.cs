namespace Maestro.Web.Components.Chat;

public sealed record UserMessageView(Guid Id, string Text, bool InContext, DateTimeOffset CreatedAt);
