namespace Maestro.Core.Auths;

/// <summary>
/// One named credential for one provider, without its secrets. Safe to show and to return from the API.
/// </summary>
/// <param name="Metadata">Non-secret facts: <c>base_url</c>, <c>email</c>, <c>account_id</c>, <c>plan</c>, <c>project_id</c>, …</param>
public sealed record AuthRecord(
    Guid Id,
    string Provider,
    string Name,
    AuthType Type,
    AuthStatus Status,
    string? StatusMessage,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RefreshedAt)
{
    public AuthRef Ref => new(Provider, Name);

    /// <summary>How the auth fared when last used or tested; null before its first call.</summary>
    public AuthHealth? Health { get; init; }

    public string? MetadataValue(string key) => Metadata.TryGetValue(key, out var value) ? value : null;
}

/// <summary>Well-known metadata keys.</summary>
public static class AuthMetadata
{
    /// <summary>Overrides the provider's API base URL for this auth.</summary>
    public const string BaseUrl = "base_url";

    public const string Email = "email";
    public const string AccountId = "account_id";
    public const string Plan = "plan";
    public const string ProjectId = "project_id";

    /// <summary>A provider-specific flavour of the auth (e.g. a subscription backend instead of the public API).</summary>
    public const string Mode = "mode";

    /// <summary>Where an imported login came from (a file path); shown so the user knows what they imported.</summary>
    public const string ImportedFrom = "imported_from";
}
