using System.Text.RegularExpressions;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Gateway.Directory;
using Maestro.Gateway.Events;

namespace Maestro.Gateway.Routes;

/// <summary>Creates, lists, edits and removes routes; the CLI, the API and the UI all go through here.</summary>
public sealed partial class RouteService(IGatewayRouteStore store, AuthService auths, ProviderRegistry providers, GatewayDirectory directory, GatewayEvents events)
{
    public const string NameRule = "1–64 letters, digits, '.', '_' or '-'";

    /// <summary>Targets a route may have: a pool wider than this is a mistake, not a configuration.</summary>
    public const int MaxTargets = 32;

    public Task<IReadOnlyList<GatewayRoute>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<GatewayRoute> GetAsync(string name, CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken)).FirstOrDefault(r => r.Name == name) ?? throw NotFound(name);

    /// <param name="targets">Each <c>provider/auth/model</c>, in the order the pool prefers them.</param>
    public async Task<GatewayRoute> AddAsync(string? name, IReadOnlyList<string>? targets, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateName(name, errors);
        var resolved = await ResolveAllAsync(targets, errors, cancellationToken);
        errors.ThrowIfAny();
        var route = await store.CreateAsync(name!, resolved, cancellationToken);
        await ChangedAsync(cancellationToken);
        return route;
    }

    /// <summary>Renames a route and/or replaces its targets; what is null stays as it is. Keys limited to the route keep it.</summary>
    public async Task<GatewayRoute> UpdateAsync(string name, string? newName, IReadOnlyList<string>? targets, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (newName is null && targets is null)
        {
            errors.Add("body", "Give a new name, new targets, or both.");
        }

        if (newName is not null)
        {
            ValidateName(newName, errors);
        }

        var resolved = targets is null ? null : await ResolveAllAsync(targets, errors, cancellationToken);
        errors.ThrowIfAny();
        var route = await store.UpdateAsync(name, newName == name ? null : newName, resolved, cancellationToken) ?? throw NotFound(name);
        await ChangedAsync(cancellationToken);
        return route;
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(name, cancellationToken))
        {
            throw NotFound(name);
        }

        await ChangedAsync(cancellationToken);
    }

    private async Task ChangedAsync(CancellationToken cancellationToken)
    {
        await directory.ReloadAsync(cancellationToken);
        events.KeysOrRoutesChanged();
    }

    private static NotFoundException NotFound(string name) =>
        new($"No route named '{name}'.", "See `maestro route list` (or the Gateway page) for the routes there are.");

    private static void ValidateName(string? name, FieldErrors errors)
    {
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            errors.Add("name", string.IsNullOrEmpty(name) ? $"Name the route: {NameRule}." : $"'{name}' is not a valid route name: use {NameRule}.");
        }
    }

    private async Task<List<(Guid, string)>> ResolveAllAsync(IReadOnlyList<string>? targets, FieldErrors errors, CancellationToken cancellationToken)
    {
        var resolved = new List<(Guid, string)>();
        if (targets is null || targets.Count == 0)
        {
            errors.Add("targets", "Give at least one target as provider/auth/model, e.g. --to anthropic/work/claude-haiku-4-5.");
            return resolved;
        }

        if (targets.Count > MaxTargets)
        {
            errors.Add("targets", $"A route has at most {MaxTargets} targets; this one has {targets.Count}.");
            return resolved;
        }

        foreach (var target in targets)
        {
            if (await ResolveAsync(target, errors, cancellationToken) is { } found)
            {
                if (resolved.Contains(found))
                {
                    errors.Add("targets", $"'{target}' is listed twice; a pool tries each target once.");
                    continue;
                }

                resolved.Add(found);
            }
        }

        return resolved;
    }

    /// <summary>A target's auth id and model, or null with the reason added to <paramref name="errors"/>.</summary>
    private async Task<(Guid, string)?> ResolveAsync(string? target, FieldErrors errors, CancellationToken cancellationToken)
    {
        var parts = (target ?? "").Trim().Split('/', 3);
        if (parts.Length < 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add("targets", $"'{target}' is not provider/auth/model (for example anthropic/work/claude-haiku-4-5).");
            return null;
        }

        if (!providers.TryGet(parts[0], out _))
        {
            errors.Add("targets", $"'{target}': {providers.UnknownMessage(parts[0])}");
            return null;
        }

        try
        {
            var auth = await auths.GetAsync(new AuthRef(parts[0], parts[1]), cancellationToken);
            return (auth.Id, parts[2]);
        }
        catch (NotFoundException ex)
        {
            errors.Add("targets", $"'{target}': {ex.Message}");
            return null;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamePattern();
}
