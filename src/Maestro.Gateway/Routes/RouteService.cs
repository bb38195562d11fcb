using System.Text.RegularExpressions;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Gateway.Directory;

namespace Maestro.Gateway.Routes;

/// <summary>Creates, lists and removes routes; the CLI, the API and the UI all go through here.</summary>
public sealed partial class RouteService(IGatewayRouteStore store, AuthService auths, ProviderRegistry providers, GatewayDirectory directory)
{
    public const string NameRule = "1–64 letters, digits, '.', '_' or '-'";

    public Task<IReadOnlyList<GatewayRoute>> ListAsync(CancellationToken cancellationToken) => store.ListAsync(cancellationToken);

    public async Task<GatewayRoute> GetAsync(string name, CancellationToken cancellationToken) =>
        (await store.ListAsync(cancellationToken)).FirstOrDefault(r => r.Name == name)
        ?? throw new NotFoundException($"No route named '{name}'.", "See `maestro route list` for the routes there are.");

    /// <param name="targets">Each <c>provider/auth/model</c>, in the order the pool prefers them.</param>
    public async Task<GatewayRoute> AddAsync(string? name, IReadOnlyList<string>? targets, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name))
        {
            errors.Add("name", string.IsNullOrEmpty(name) ? $"Name the route: {NameRule}." : $"'{name}' is not a valid route name: use {NameRule}.");
        }

        var resolved = new List<(Guid, string)>();
        if (targets is null || targets.Count == 0)
        {
            errors.Add("targets", "Give at least one target as provider/auth/model, e.g. --to anthropic/work/claude-haiku-4-5.");
        }
        else
        {
            foreach (var target in targets)
            {
                if (await ResolveAsync(target, errors, cancellationToken) is { } found)
                {
                    resolved.Add(found);
                }
            }
        }

        errors.ThrowIfAny();
        var route = await store.CreateAsync(name!, resolved, cancellationToken);
        await directory.ReloadAsync(cancellationToken);
        return route;
    }

    public async Task RemoveAsync(string name, CancellationToken cancellationToken)
    {
        if (!await store.DeleteAsync(name, cancellationToken))
        {
            throw new NotFoundException($"No route named '{name}'.", "See `maestro route list` for the routes there are.");
        }

        await directory.ReloadAsync(cancellationToken);
    }

    /// <summary>A target's auth id and model, or null with the reason added to <paramref name="errors"/>.</summary>
    private async Task<(Guid, string)?> ResolveAsync(string target, FieldErrors errors, CancellationToken cancellationToken)
    {
        var parts = target.Trim().Split('/', 3);
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
