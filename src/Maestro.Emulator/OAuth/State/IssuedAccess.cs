namespace Maestro.Emulator.OAuth.State;

/// <summary>An access token of a login, honoured by the emulated APIs until it expires or it (or its login) is revoked.</summary>
internal sealed class IssuedAccess(TokenFamily family, DateTimeOffset expiresAt)
{
    public TokenFamily Family { get; } = family;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public bool Revoked { get; set; }
}
