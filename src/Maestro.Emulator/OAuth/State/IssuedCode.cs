namespace Maestro.Emulator.OAuth.State;

/// <summary>An authorization code and the request it answers; redeemable once, until it expires.</summary>
internal sealed record IssuedCode(
    OAuthDialect Dialect, string ClientId, string RedirectUri, string Challenge, string Scope, string? State, bool Offline, DateTimeOffset ExpiresAt)
{
    public bool Used { get; set; }
}
