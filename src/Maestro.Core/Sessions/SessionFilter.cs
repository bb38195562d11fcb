namespace Maestro.Core.Sessions;

/// <summary>Which sessions a list shows: a search in names and models, and one auth or one provider.</summary>
/// <param name="Search">Part of the session's name or model, any case.</param>
/// <param name="Auth">provider/name of the session's auth.</param>
/// <param name="Provider">The provider of the session's auth.</param>
public sealed record SessionFilter(string? Search = null, string? Auth = null, string? Provider = null)
{
    public static SessionFilter None { get; } = new();

    public bool IsEmpty => string.IsNullOrWhiteSpace(Search) && string.IsNullOrWhiteSpace(Auth) && string.IsNullOrWhiteSpace(Provider);

    /// <summary>Blank parts are no filter; a search is trimmed and at most 200 characters.</summary>
    public static SessionFilter From(string? search, string? auth, string? provider) => new(
        string.IsNullOrWhiteSpace(search) ? null : search.Trim() is { Length: > 200 } tooLong ? tooLong[..200] : search.Trim(),
        string.IsNullOrWhiteSpace(auth) ? null : auth.Trim(),
        string.IsNullOrWhiteSpace(provider) ? null : provider.Trim());
}
