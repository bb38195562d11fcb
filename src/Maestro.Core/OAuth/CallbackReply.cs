namespace Maestro.Core.OAuth;

/// <summary>What the loopback callback server shows the browser, and whether it stops afterwards.</summary>
public sealed record CallbackReply(bool Success, string Title, string Message, bool Final = true);
