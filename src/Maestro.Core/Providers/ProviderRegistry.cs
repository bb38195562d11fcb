using System.Text.RegularExpressions;
using Maestro.Core.Errors;
using Maestro.Core.Providers.Saved;

namespace Maestro.Core.Providers;

/// <summary>
/// Every provider Maestro knows: the built-in ones (one registration line each), those declared by configuration
/// (OpenAI-compatible endpoints), which arrive through <see cref="IProviderSource"/>, and those saved in the database
/// (<see cref="SavedProviderSet"/>), which may change while the process runs. Lookups read an immutable view without a
/// lock; a new view is built when the saved set has changed. A built-in or declared provider wins over a saved one
/// with the same id.
/// </summary>
public sealed partial class ProviderRegistry
{
    private readonly Dictionary<string, IProvider> _fixed;
    private readonly IReadOnlyList<IProvider> _fixedSorted;
    private readonly SavedProviderSet? _saved;
    private View? _view;

    public ProviderRegistry(IEnumerable<IProvider> providers, IEnumerable<IProviderSource> sources, SavedProviderSet? saved = null)
    {
        _fixed = new Dictionary<string, IProvider>(StringComparer.Ordinal);
        foreach (var provider in providers.Concat(sources.SelectMany(s => s.GetProviders())))
        {
            var id = provider.Descriptor.Id;
            if (!IdPattern().IsMatch(id))
            {
                throw new MaestroException(
                    $"Provider id '{id}' is invalid: use 2-40 of a-z, 0-9, '-' and '_', starting with a letter.");
            }

            if (!_fixed.TryAdd(id, provider))
            {
                throw new MaestroException(
                    $"Provider id '{id}' is declared twice.",
                    "Give the configured OpenAI-compatible provider another id.");
            }
        }

        _fixedSorted = [.. _fixed.Values.OrderBy(p => p.Descriptor.Id, StringComparer.Ordinal)];
        _saved = saved;
    }

    public IReadOnlyList<IProvider> All => Current.All;

    public bool TryGet(string id, out IProvider provider) => Current.ById.TryGetValue(id, out provider!);

    /// <exception cref="ValidationFailedException">No provider has that id (field: provider).</exception>
    public IProvider Get(string id) =>
        TryGet(id, out var provider)
            ? provider
            : throw new ValidationFailedException("provider", UnknownMessage(id));

    /// <summary>The built-in or configuration-declared provider with this id (which a saved one may not reuse), if any.</summary>
    public IProvider? Fixed(string id) => _fixed.GetValueOrDefault(id);

    public string UnknownMessage(string id) =>
        $"Unknown provider '{id}'. Registered providers: {string.Join(", ", All.Select(p => p.Descriptor.Id))}.";

    private View Current
    {
        get
        {
            var saved = _saved?.Current;
            var view = Volatile.Read(ref _view);
            if (view is not null && ReferenceEquals(view.Saved, saved))
            {
                return view;
            }

            // Two readers may both build the view for a new generation; either result is the same.
            view = Build(saved);
            Volatile.Write(ref _view, view);
            return view;
        }
    }

    private View Build(SavedProviderSet.Snapshot? saved)
    {
        if (saved is null || saved.ById.Count == 0)
        {
            return new View(saved, _fixed, _fixedSorted);
        }

        var byId = new Dictionary<string, IProvider>(_fixed, StringComparer.Ordinal);
        foreach (var (id, provider) in saved.ById)
        {
            byId.TryAdd(id, provider);
        }

        return new View(saved, byId, [.. byId.Values.OrderBy(p => p.Descriptor.Id, StringComparer.Ordinal)]);
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]{1,39}$")]
    private static partial Regex IdPattern();

    private sealed record View(SavedProviderSet.Snapshot? Saved, IReadOnlyDictionary<string, IProvider> ById, IReadOnlyList<IProvider> All);
}

/// <summary>Supplies providers known only at run time, e.g. OpenAI-compatible endpoints from configuration.</summary>
public interface IProviderSource
{
    IEnumerable<IProvider> GetProviders();
}
