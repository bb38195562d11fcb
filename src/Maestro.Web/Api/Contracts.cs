using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Web.Api;

/// <summary>An auth as the API, `--json` output and the UI show it: never any secret.</summary>
/// <param name="State">The status in words: "active (expires in 42 min)", "refreshing (…)", "needs re-login: reason".</param>
public sealed record AuthView(
    string Provider,
    string Name,
    string Ref,
    string Type,
    string Status,
    string? StatusMessage,
    DateTimeOffset? ExpiresAt,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? RefreshedAt,
    string State)
{
    /// <summary>The quota in one line, where the caller knows it (the API's list and show, the CLI's --json).</summary>
    public QuotaSummaryView? Quota { get; init; }

    public static AuthView From(AuthRecord auth) => new(
        auth.Provider, auth.Name, auth.Ref.ToString(), auth.Type.ToWire(), auth.Status.ToWire(), auth.StatusMessage,
        auth.ExpiresAt, auth.Metadata, auth.CreatedAt, auth.UpdatedAt, auth.RefreshedAt,
        Core.OAuth.AuthStateText.Describe(auth, DateTimeOffset.UtcNow));

    /// <summary>
    /// As an <c>auth_changed</c> event says it is now. "Refreshing" is announced but never stored, so while the stored
    /// status differs from the event's, the event wins until the next change.
    /// </summary>
    public AuthView With(Core.OAuth.AuthChangedNotice? notice) =>
        notice is null || notice.Status == Status ? this : this with { Status = notice.Status, ExpiresAt = notice.ExpiresAt, State = notice.Message };
}

/// <summary>An auth with its secrets redacted (first and last characters only), for show/detail.</summary>
public sealed record AuthDetailView(AuthView Auth, IReadOnlyDictionary<string, string> Secrets);

public sealed record ProviderView(
    string Id,
    string DisplayName,
    IReadOnlyList<string> AuthTypes,
    IReadOnlyList<string> Features,
    string BaseUrl,
    string? Notes)
{
    public static ProviderView From(ProviderDescriptor d) => new(
        d.Id, d.DisplayName, [.. d.AuthTypes.Select(t => t.ToWire())], [.. d.Features.Order(StringComparer.Ordinal)], d.DefaultBaseUrl.ToString(), d.Notes);
}

public sealed record CreateAuthRequest(string? Provider, string? Name, string? ApiKey, string? BaseUrl);

/// <summary>PATCH: each present member changes one thing; base_url "" removes the override.</summary>
public sealed record UpdateAuthRequest(string? Name, string? ApiKey, string? BaseUrl);

public sealed record ModelView(string Id, string? DisplayName, int? ContextWindow, int? MaxOutputTokens, DateTimeOffset? CreatedAt, string? OwnedBy)
{
    public static ModelView From(ModelInfo m) => new(m.Id, m.DisplayName, m.ContextWindow, m.MaxOutputTokens, m.CreatedAt, m.OwnedBy);
}

public sealed record ModelListView(string Auth, DateTimeOffset FetchedAt, bool FromCache, IReadOnlyList<ModelView> Models)
{
    public static ModelListView From(Maestro.Core.Models.ModelList list) =>
        new(list.Auth.ToString(), list.FetchedAt, list.FromCache, [.. list.Models.Select(ModelView.From)]);
}
