namespace Maestro.Core.Access;

/// <summary>A valid browser session; <paramref name="Renewed"/> says its expiry moved, so the cookie should be re-sent.</summary>
public sealed record SessionCheck(BrowserSession Session, bool Renewed);
