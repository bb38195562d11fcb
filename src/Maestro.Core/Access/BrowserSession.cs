namespace Maestro.Core.Access;

/// <summary>A signed-in browser, as stored: the hash of its cookie value, never the value itself.</summary>
public sealed record BrowserSession(
    byte[] IdHash,
    SignInMethod Method,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt,
    DateTimeOffset ExpiresAt);
