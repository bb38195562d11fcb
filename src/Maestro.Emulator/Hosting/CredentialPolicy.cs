namespace Maestro.Emulator.Hosting;

/// <summary>Which API keys and bearer tokens the emulated providers accept (see <see cref="EmulatorOptions.ApiKeys"/>).</summary>
/// <remarks>Access tokens the emulated authorization servers issued are honoured until they expire or are revoked.</remarks>
internal sealed class CredentialPolicy(IReadOnlySet<string>? accepted, OAuth.EmulatedAuthorizationServer? issuer = null)
{
    public bool Accepts(string credential) => issuer?.Check(credential) switch
    {
        OAuth.TokenState.Valid => true,
        OAuth.TokenState.Rejected => false,
        _ => accepted is not null
            ? accepted.Contains(credential)
            : credential.Length > 0 && !credential.StartsWith("invalid", StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>
    /// An OAuth access token rather than an API key: one the emulated authorization server issued, or one with the
    /// provider's OAuth token prefix.
    /// </summary>
    public bool IsOAuthToken(string token, string prefix) =>
        token.StartsWith(prefix, StringComparison.Ordinal) || issuer?.Check(token) is OAuth.TokenState.Valid or OAuth.TokenState.Rejected;

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? BearerToken(string? authorization)
    {
        const string Scheme = "Bearer ";
        return authorization is not null && authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            ? authorization[Scheme.Length..].Trim()
            : null;
    }
}
