using Maestro.Core.Errors;

namespace Maestro.Core.OAuth;

/// <summary>The OAuth logins the registered providers offer, by provider id.</summary>
public sealed class OAuthProviders(IEnumerable<IOAuthProvider> providers)
{
    private readonly Dictionary<string, IOAuthProvider> _byId = providers.ToDictionary(p => p.ProviderId, StringComparer.Ordinal);

    public IReadOnlyCollection<IOAuthProvider> All => _byId.Values;

    public bool TryGet(string providerId, out IOAuthProvider provider) => _byId.TryGetValue(providerId, out provider!);

    public IOAuthProvider Get(string providerId) => TryGet(providerId, out var provider)
        ? provider
        : throw new ValidationFailedException("provider",
            $"Provider '{providerId}' has no OAuth login (OAuth logins: {string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal))}); add an API key with `maestro auth add` instead.");
}
