using System.Text.RegularExpressions;
using Maestro.Core.Errors;

namespace Maestro.Core.Providers;

/// <summary>
/// Every provider Maestro knows: the built-in ones (one registration line each) and those declared by configuration
/// (OpenAI-compatible endpoints), which arrive through <see cref="IProviderSource"/>.
/// </summary>
public sealed partial class ProviderRegistry
{
    private readonly Dictionary<string, IProvider> _byId;

    public ProviderRegistry(IEnumerable<IProvider> providers, IEnumerable<IProviderSource> sources)
    {
        _byId = new Dictionary<string, IProvider>(StringComparer.Ordinal);
        foreach (var provider in providers.Concat(sources.SelectMany(s => s.GetProviders())))
        {
            var id = provider.Descriptor.Id;
            if (!IdPattern().IsMatch(id))
            {
                throw new MaestroException(
                    $"Provider id '{id}' is invalid: use 2-40 of a-z, 0-9, '-' and '_', starting with a letter.");
            }

            if (!_byId.TryAdd(id, provider))
            {
                throw new MaestroException(
                    $"Provider id '{id}' is declared twice.",
                    "Give the configured OpenAI-compatible provider another id.");
            }
        }

        All = [.. _byId.Values.OrderBy(p => p.Descriptor.Id, StringComparer.Ordinal)];
    }

    public IReadOnlyList<IProvider> All { get; }

    public bool TryGet(string id, out IProvider provider) => _byId.TryGetValue(id, out provider!);

    /// <exception cref="ValidationFailedException">No provider has that id (field: provider).</exception>
    public IProvider Get(string id) =>
        _byId.TryGetValue(id, out var provider)
            ? provider
            : throw new ValidationFailedException("provider", UnknownMessage(id));

    public string UnknownMessage(string id) =>
        $"Unknown provider '{id}'. Registered providers: {string.Join(", ", _byId.Keys.Order(StringComparer.Ordinal))}.";

    [GeneratedRegex("^[a-z][a-z0-9_-]{1,39}$")]
    private static partial Regex IdPattern();
}

/// <summary>Supplies providers known only at run time, e.g. OpenAI-compatible endpoints from configuration.</summary>
public interface IProviderSource
{
    IEnumerable<IProvider> GetProviders();
}
