namespace Maestro.Core.Access;

/// <summary>What <c>maestro access status</c> shows: where the token is, whether a password is set, how many browsers are signed in.</summary>
public sealed record AccessStatus(string TokenSource, bool TokenFromEnvironment, bool PasswordSet, int BrowserSessions);
