using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Gateway.Directory;
using Maestro.Gateway.Inbound;
using Maestro.Gateway.Keys;

namespace Maestro.Gateway.Addressing;

/// <summary>
/// Turns the model a client asked for into targets, within what the key may use:
/// <list type="number">
/// <item>a route's name: its targets;</item>
/// <item><c>provider/auth/model</c>: that auth, asked for that model;</item>
/// <item><c>provider/model</c>: the provider's auths the key may use, as a pool;</item>
/// <item>a plain model id: the auths of the first provider (in the key's route order) that lists the model.</item>
/// </list>
/// A restricted key sees only its routes and their auths: anything else is unknown to it, exactly like a model that
/// does not exist (so it learns nothing about other keys' routes).
/// </summary>
public sealed class TargetResolver(ProviderRegistry providers, ModelIndex models)
{
    internal async Task<Resolution> ResolveAsync(GatewaySnapshot snapshot, GatewayKey key, string? model, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ClientRequestException("model", "Name a model: a route, provider/auth/model, or a model one of your auths serves.");
        }

        if (snapshot.Route(model) is { } route && (!key.Restricted || key.Routes.Contains(route.Name)))
        {
            var targets = new List<Target>(route.Targets.Count);
            foreach (var target in route.Targets)
            {
                if (snapshot.Auth(target.Auth) is { } auth)
                {
                    targets.Add(new Target(auth, target.Model));
                }
            }

            return targets.Count > 0
                ? new Resolution(targets, route.Name)
                : throw new ClientRequestException("model", $"Route '{route.Name}' has no targets left (their auths were deleted).", 404, "model_not_found");
        }

        var allowed = snapshot.AuthsOf(key);
        var slash = model.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && providers.TryGet(model[..slash], out var provider))
        {
            var rest = model[(slash + 1)..];
            var second = rest.IndexOf('/', StringComparison.Ordinal);
            if (second > 0 && second < rest.Length - 1 && snapshot.Auth(new AuthRef(provider.Descriptor.Id, rest[..second])) is not null)
            {
                return Find(allowed, provider.Descriptor.Id, rest[..second]) is { } named
                    ? new Resolution([new Target(named, rest[(second + 1)..])], null)
                    : throw new ClientRequestException("model", Unknown(snapshot, key, model), 404, "model_not_found");
            }

            var pool = allowed.Where(a => a.Provider == provider.Descriptor.Id).Select(a => new Target(a, rest)).ToList();
            if (pool.Count > 0 && rest.Length > 0)
            {
                return new Resolution(pool, null);
            }
        }

        foreach (var group in allowed.GroupBy(a => a.Provider))
        {
            var serving = new List<Target>();
            foreach (var auth in group)
            {
                if (auth.Status != AuthStatus.NeedsRelogin && await models.ServesAsync(auth, model, cancellationToken))
                {
                    serving.Add(new Target(auth, model));
                }
            }

            if (serving.Count > 0)
            {
                // Auths of the same provider that could not list their models still join the pool, last.
                serving.AddRange(group.Where(a => serving.All(s => s.Auth.Id != a.Id)).Select(a => new Target(a, model)));
                return new Resolution(serving, null);
            }
        }

        throw new ClientRequestException("model", Unknown(snapshot, key, model), 404, "model_not_found");
    }

    /// <summary>The 404 message: what was asked, and the forms that work for this key with examples from its own routes and auths.</summary>
    internal static string Unknown(GatewaySnapshot snapshot, GatewayKey key, string model)
    {
        var routes = snapshot.RoutesOf(key).Select(r => r.Name).Take(5).ToList();
        var auths = snapshot.AuthsOf(key);
        var auth = auths.Count > 0 ? auths[0] : null;
        var forms = new List<string>();
        if (routes.Count > 0)
        {
            forms.Add($"a route ({string.Join(", ", routes)})");
        }

        forms.Add(auth is null ? "provider/auth/model (e.g. anthropic/work/claude-haiku-4-5)" : $"provider/auth/model (e.g. {auth.Ref}/MODEL)");
        forms.Add("provider/model");
        forms.Add("a model id one of your auths lists (GET /v1/models shows them)");
        return $"The model `{model}` does not exist or this key cannot use it. Use {string.Join(", ", forms)}.";
    }

    private static AuthRecord? Find(IReadOnlyList<AuthRecord> auths, string provider, string name)
    {
        foreach (var auth in auths)
        {
            if (auth.Provider == provider && auth.Name == name)
            {
                return auth;
            }
        }

        return null;
    }
}
