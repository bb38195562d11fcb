namespace Maestro.Core.Auths;

/// <summary>
/// The secret part of an auth. Stored only encrypted; never logged or returned (see <see cref="ToRedacted"/>).
/// </summary>
public sealed record AuthCredentials
{
    public string? ApiKey { get; init; }

    public string? AccessToken { get; init; }

    public string? RefreshToken { get; init; }

    public string? IdToken { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the current access token was issued; with ExpiresAt it gives the lifetime used for the refresh grace.</summary>
    public DateTimeOffset? IssuedAt { get; init; }

    /// <summary>Other secret values a provider needs (e.g. an API key minted from an OAuth login).</summary>
    public IReadOnlyDictionary<string, string>? Extra { get; init; }

    public string? ExtraValue(string key) => Extra is not null && Extra.TryGetValue(key, out var v) ? v : null;

    public IReadOnlyDictionary<string, string> ToRedacted()
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Add("api_key", ApiKey);
        Add("access_token", AccessToken);
        Add("refresh_token", RefreshToken);
        Add("id_token", IdToken);
        foreach (var (key, value) in Extra ?? new Dictionary<string, string>())
        {
            Add(key, value);
        }

        return result;

        void Add(string key, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                result[key] = Secrets.Redaction.Redact(value);
            }
        }
    }

    // Records print their members; a credential must never reach a log line through ToString.
    public override string ToString() => "AuthCredentials { <redacted> }";
}
