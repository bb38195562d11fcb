using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

/// <summary>What a login or a refresh yields: the new credentials and the facts to keep with the auth.</summary>
/// <param name="Credentials">
/// Tokens with <see cref="AuthCredentials.ExpiresAt"/> and <see cref="AuthCredentials.IssuedAt"/>. On a refresh a null
/// refresh token means "keep the old one".
/// </param>
/// <param name="Metadata">Non-secret facts to set (email, plan, account id, mode); keys not named are kept.</param>
public sealed record OAuthGrant(AuthCredentials Credentials, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>Things the user should know about an optional step (e.g. "no API key: the exchange was refused").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
