namespace Maestro.Emulator.OAuth;

/// <summary>The account every emulated sign-in belongs to; its facts appear in the id tokens and token answers.</summary>
public sealed record EmulatedUser(
    string Email = "emulated.user@example.com",
    string AccountId = "acct-emulated-0001",
    string Plan = "pro",
    string Organization = "org-emulated-0001");
