namespace Maestro.Core.Access;

/// <summary>A new browser session: the cookie value to hand to the browser (shown nowhere else) and when it expires.</summary>
public sealed record SignedIn(string SessionId, SignInMethod Method, DateTimeOffset ExpiresAt);
