using System.Globalization;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Gateway.Directory;
using Maestro.Gateway.Events;
using Maestro.Gateway.Limits;
using Maestro.Gateway.Routes;
using Maestro.Gateway.Usage;

namespace Maestro.Gateway.Keys;

/// <summary>Creates, lists and revokes gateway keys and reports their use; the CLI, the API and the UI all go through here.</summary>
public sealed class KeyService(
    IGatewayKeyStore store, IGatewayRouteStore routes, IGatewayUsageStore usage, GatewayDirectory directory, KeyLimits limits, GatewayEvents events, TimeProvider time)
{
    /// <param name="routeNames">The routes the key may use; none for a key that may use every route and auth.</param>
    /// <param name="budgetUsd">US$ per calendar month (UTC).</param>
    public async Task<CreatedKey> CreateAsync(
        string? name, IReadOnlyList<string>? routeNames, decimal? budgetUsd, int? rpm, int? tpm, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        AuthService.ValidateName(name, errors);
        if (budgetUsd is <= 0 or > 1_000_000)
        {
            errors.Add("budget_usd", "The budget is US$ per month: a number above 0 (e.g. 25 or 7.50).");
        }

        if (rpm is <= 0)
        {
            errors.Add("rpm", "Requests per minute must be a whole number above 0.");
        }

        if (tpm is <= 0)
        {
            errors.Add("tpm", "Tokens per minute must be a whole number above 0.");
        }

        var routeIds = new List<Guid>();
        if (routeNames is { Count: > 0 })
        {
            var known = await routes.ListAsync(cancellationToken);
            foreach (var routeName in routeNames.Distinct(StringComparer.Ordinal))
            {
                if (known.FirstOrDefault(r => r.Name == routeName) is { } route)
                {
                    routeIds.Add(route.Id);
                }
                else
                {
                    errors.Add("routes", $"No route named '{routeName}'" + (known.Count > 0 ? $"; there are: {string.Join(", ", known.Select(r => r.Name))}." : "; create one with `maestro route add`."));
                }
            }
        }

        errors.ThrowIfAny();
        var secret = KeyMaterial.NewSecret();
        var key = await store.CreateAsync(new NewGatewayKey(name!, KeyMaterial.Hash(secret), KeyMaterial.Hint(secret), routeIds, budgetUsd, rpm, tpm), cancellationToken);
        await ChangedAsync(cancellationToken);
        return new CreatedKey(key, secret);
    }

    /// <summary>Every key (revoked ones too), with this month's requests and spend.</summary>
    public async Task<IReadOnlyList<KeyView>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        var totals = await usage.TotalsAsync(KeyLimits.MonthStart(time.GetUtcNow()), cancellationToken);
        return [.. keys.Select(k => new KeyView(
            k.Key,
            totals.TryGetValue(k.Key.Id, out var month) ? month.Requests : 0,
            totals.TryGetValue(k.Key.Id, out var spent) ? spent.Cost : 0))];
    }

    public async Task<GatewayKey> GetAsync(string name, CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken)).Select(k => k.Key).FirstOrDefault(k => k.Name == name) ?? throw NotFound(name);

    public async Task RevokeAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.RevokeAsync(name, cancellationToken))
        {
            var key = await GetAsync(name, cancellationToken);
            throw new ConflictException($"Key '{key.Name}' was revoked on {key.RevokedAt:yyyy-MM-dd HH:mm} UTC.", "name");
        }

        await ChangedAsync(cancellationToken);
    }

    /// <summary>One key (revoked or not) with this month's requests and spend.</summary>
    public async Task<KeyView> GetViewAsync(string name, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(k => k.Key.Name == name) ?? throw NotFound(name);

    /// <summary>A key's use since <paramref name="since"/> (default: the start of this month, UTC).</summary>
    public async Task<KeyUsageReport> UsageAsync(string name, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var key = await GetAsync(name, cancellationToken);
        var from = since ?? KeyLimits.MonthStart(time.GetUtcNow());
        return new KeyUsageReport(key.Name, from, await usage.ByKeyAsync(key.Id, from, cancellationToken));
    }

    private static NotFoundException NotFound(string name) =>
        new($"No gateway key named '{name}'.", "See `maestro key list` (or the Gateway page) for the keys there are.");

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await directory.ReloadAsync(cancellationToken);
        events.KeysOrRoutesChanged();
    }

    /// <summary>How much of its monthly budget a key has left, for display ("US$3.20 of US$10").</summary>
    public async Task<string?> BudgetLineAsync(GatewayKey key, CancellationToken cancellationToken)
    {
        if (key.BudgetUsd is not { } budget)
        {
            return null;
        }

        var spent = await limits.SpentAsync(key.Id, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture, $"US${spent:0.####} of US${budget:0.##} this month");
    }
}

/// <summary>A key with this month's use.</summary>
public sealed record KeyView(GatewayKey Key, long RequestsThisMonth, decimal SpentThisMonthUsd);
