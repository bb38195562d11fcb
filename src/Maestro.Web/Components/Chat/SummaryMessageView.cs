namespace Maestro.Web.Components.Chat;

/// <summary>A compaction summary standing in for earlier messages.</summary>
public sealed record SummaryMessageView(Guid Id, string Html, DateTimeOffset CreatedAt);
