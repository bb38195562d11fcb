using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Usage;

namespace Maestro.Web.Api;

/// <summary>An auth as the API, `--json` output and the UI show it: never any secret.</summary>
/// <param name="State">The status in words: "active (expires in 42 min)", "refreshing (…)", "needs re-login: reason",
/// "key refused: …", "unreachable: …".</param>
/// <param name="Health">How the last call or Test went: ok, key_refused, unreachable (null before the first).</param>
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
    string State,
    string? Health = null,
    string? HealthMessage = null,
    DateTimeOffset? HealthCheckedAt = null)
{
    /// <summary>The quota in one line, where the caller knows it (the API's list and show, the CLI's --json).</summary>
    public QuotaSummaryView? Quota { get; init; }

    public static AuthView From(AuthRecord auth) => new(
        auth.Provider, auth.Name, auth.Ref.ToString(), auth.Type.ToWire(), auth.Status.ToWire(), auth.StatusMessage,
        auth.ExpiresAt, auth.Metadata, auth.CreatedAt, auth.UpdatedAt, auth.RefreshedAt,
        StateOf(auth), auth.Health?.State.ToWire(), auth.Health?.Message, auth.Health?.CheckedAt);

    /// <summary>A usable-looking auth whose last call was refused or never arrived says so instead of "active".</summary>
    private static string StateOf(AuthRecord auth) =>
        auth.Status == AuthStatus.Active && auth.Health is { State: not AuthHealthState.Ok } health
            ? $"{health.Label.ToLowerInvariant()}: {health.Message ?? "no details"}"
            : Core.OAuth.AuthStateText.Describe(auth, DateTimeOffset.UtcNow);

    /// <summary>
    /// As an <c>auth_changed</c> event says it is now. "Refreshing" is announced but never stored, so while the stored
    /// status differs from the event's, the event wins until the next change.
    /// </summary>
    public AuthView With(Core.OAuth.AuthChangedNotice? notice) =>
        notice is null || notice.Status == Status ? this : this with { Status = notice.Status, ExpiresAt = notice.ExpiresAt, State = notice.Message };
}

/// <summary>The outcome of Test on an auth, with the auth as it now reads.</summary>
public sealed record AuthTestView(bool Ok, string? Health, string Message, int? Models, long LatencyMs, AuthView Auth)
{
    public AuthTestView(Maestro.Core.Models.AuthTestResult result, AuthView auth)
        : this(result.Ok, result.Health, result.Message, result.Models, result.LatencyMs, auth)
    {
    }
}

/// <summary>An auth with its secrets redacted (first and last characters only), for show/detail.</summary>
public sealed record AuthDetailView(AuthView Auth, IReadOnlyDictionary<string, string> Secrets);

/// <param name="Source">built-in, settings (saved from Maestro), MAESTRO_COMPAT_PROVIDERS or providers.json.</param>
public sealed record ProviderView(
    string Id,
    string DisplayName,
    IReadOnlyList<string> AuthTypes,
    IReadOnlyList<string> Features,
    string BaseUrl,
    string? Notes,
    string Source)
{
    public static ProviderView From(ProviderDescriptor d) => new(
        d.Id, d.DisplayName, [.. d.AuthTypes.Select(t => t.ToWire())], [.. d.Features.Order(StringComparer.Ordinal)], d.DefaultBaseUrl.ToString(), d.Notes,
        d.Source);
}

public sealed record CreateAuthRequest(string? Provider, string? Name, string? ApiKey, string? BaseUrl);

/// <summary>PATCH: each present member changes one thing; base_url "" removes the override.</summary>
public sealed record UpdateAuthRequest(string? Name, string? ApiKey, string? BaseUrl);

/// <param name="Price">US$ per million tokens, when the model has a price (built-in, the price file or the settings).</param>
public sealed record ModelView(
    string Id,
    string? DisplayName,
    int? ContextWindow,
    int? MaxOutputTokens,
    DateTimeOffset? CreatedAt,
    string? OwnedBy,
    IReadOnlyList<string>? Capabilities = null,
    PriceView? Price = null)
{
    public static ModelView From(ModelInfo m, PriceQuote? price = null) =>
        new(m.Id, m.DisplayName, m.ContextWindow, m.MaxOutputTokens, m.CreatedAt, m.OwnedBy, m.Capabilities, PriceView.From(price));
}

/// <param name="Source">built-in (with <paramref name="Checked"/>, the day the list was compared with the provider's page), file or settings.</param>
/// <param name="LongContext">The prices of a call whose prompt is above <c>above</c> input tokens (the whole call), when the model has such a tier.</param>
public sealed record PriceView(
    decimal Input,
    decimal Output,
    decimal? CachedInput,
    decimal? CacheWrite,
    decimal? Reasoning,
    string Source,
    DateOnly? Checked,
    LongContextPrice? LongContext = null)
{
    public static PriceView? From(PriceQuote? quote) => quote is null
        ? null
        : new(quote.Price.Input, quote.Price.Output, quote.Price.CachedInput, quote.Price.CacheWrite, quote.Price.Reasoning, quote.Source, quote.Checked,
            quote.Price.LongContext);
}

public sealed record ModelListView(string Auth, DateTimeOffset FetchedAt, bool FromCache, IReadOnlyList<ModelView> Models)
{
    public static ModelListView From(Maestro.Core.Models.ModelList list, PriceTable? prices = null) =>
        new(list.Auth.ToString(), list.FetchedAt, list.FromCache, [.. list.Models.Select(m => ModelView.From(m, prices?.Find(list.Auth.Provider, m.Id)))]);
}
