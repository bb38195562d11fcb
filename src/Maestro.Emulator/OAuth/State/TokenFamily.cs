namespace Maestro.Emulator.OAuth.State;

/// <summary>One login: the refresh tokens issued from one authorization code, of which only the newest is valid.</summary>
internal sealed class TokenFamily(OAuthDialect dialect, string clientId, string scope)
{
    public OAuthDialect Dialect { get; } = dialect;

    public string ClientId { get; } = clientId;

    public string Scope { get; } = scope;

    public string? Current { get; set; }

    public bool Revoked { get; set; }
}
