namespace Maestro.Core.Turns;

/// <summary>A pending approval in the inbox, with the name of the session that waits for it.</summary>
public sealed record InboxEntry(Approval Approval, string SessionName);
