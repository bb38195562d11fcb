namespace Maestro.Gateway.Keys;

/// <summary>
/// A key gateway clients authenticate with (never the secret itself, which is shown once and stored as a hash).
/// A restricted key may use only its routes (and the auths in them); an unrestricted one any route and any auth.
/// </summary>
/// <param name="Hint">The key's first and last characters, to tell keys apart.</param>
/// <param name="BudgetUsd">Spending allowed per calendar month (UTC), when limited.</param>
/// <param name="Rpm">Requests allowed per minute, when limited.</param>
/// <param name="Tpm">Tokens (input + output) allowed per minute, when limited.</param>
public sealed record GatewayKey(
    Guid Id,
    string Name,
    string Hint,
    bool Restricted,
    IReadOnlyList<string> Routes,
    decimal? BudgetUsd,
    int? Rpm,
    int? Tpm,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A newly created key with its secret, which exists only in this object and is shown once.</summary>
public sealed record CreatedKey(GatewayKey Key, string Secret);
