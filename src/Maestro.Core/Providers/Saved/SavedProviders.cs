using Maestro.Core.Auths;
using Maestro.Core.Errors;

namespace Maestro.Core.Providers.Saved;

/// <summary>
/// Adds, edits and removes the OpenAI-compatible providers saved in the database, and lists every configured one. The
/// Settings page, the API and the CLI all go through here, so the checks and messages are the same everywhere. A
/// change takes effect in this process at once and in the others when they hear of it (<see cref="SavedProviderSet"/>).
/// </summary>
public sealed class SavedProviders(
    ProviderRegistry registry, SavedProviderSet saved, IProviderDeclarationStore store, IProviderDeclarationFactory factory, IAuthStore auths)
{
    /// <summary>Every OpenAI-compatible provider: declared by configuration (read-only here) and saved (editable).</summary>
    public async Task<IReadOnlyList<DeclaredProvider>> ListAsync(CancellationToken cancellationToken)
    {
        var snapshot = await saved.LoadAsync(cancellationToken);
        var list = new List<DeclaredProvider>();
        foreach (var provider in registry.All)
        {
            if (factory.DeclarationOf(provider) is { } declaration)
            {
                var editable = provider.Descriptor.Source == ProviderSources.Saved;
                list.Add(new DeclaredProvider(declaration, provider.Descriptor.Source, editable));
            }
        }

        foreach (var declaration in snapshot.Declarations)
        {
            var problem = registry.Fixed(declaration.Id) is { } other
                ? $"Not in use: {other.Descriptor.Source} declares the same id."
                : snapshot.ById.ContainsKey(declaration.Id) ? null : "Not in use: the saved declaration is no longer valid; edit it.";
            if (problem is not null)
            {
                list.Add(new DeclaredProvider(declaration, ProviderSources.Saved, Editable: true, problem));
            }
        }

        list.Sort((a, b) => string.CompareOrdinal(a.Declaration.Id, b.Declaration.Id));
        return list;
    }

    public async Task<DeclaredProvider> GetAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(p => p.Declaration.Id == id)
        ?? throw new NotFoundException($"No OpenAI-compatible provider '{id}'. See `maestro providers` for the configured ones.");

    /// <summary>Saves a new provider from raw fields (names as in <see cref="ProviderDeclaration.FieldNames"/>).</summary>
    /// <exception cref="ValidationFailedException">A field is invalid, or the id is taken by a built-in or declared provider.</exception>
    /// <exception cref="ConflictException">A saved provider already has the id.</exception>
    public async Task<DeclaredProvider> AddAsync(IReadOnlyDictionary<string, string?> fields, CancellationToken cancellationToken)
    {
        var declaration = factory.Parse(fields);
        if (registry.Fixed(declaration.Id) is { } taken)
        {
            throw new ValidationFailedException("id", taken.Descriptor.Source == ProviderSources.BuiltIn
                ? $"'{declaration.Id}' is the id of the built-in provider {taken.Descriptor.DisplayName}; choose another id."
                : $"'{declaration.Id}' is already declared in {taken.Descriptor.Source} (read-only here); choose another id, or change it there.");
        }

        await store.AddAsync(declaration, cancellationToken);
        await saved.LoadAsync(cancellationToken);
        return new DeclaredProvider(declaration, ProviderSources.Saved, Editable: true);
    }

    /// <summary>
    /// Changes the fields given (an empty value puts a field back to its default); the others keep their values. The next
    /// call through any auth of the provider uses the new settings.
    /// </summary>
    /// <exception cref="NotFoundException">No saved provider has the id.</exception>
    /// <exception cref="ValidationFailedException">A field is invalid, the provider is read-only here, or the id would change.</exception>
    public async Task<DeclaredProvider> UpdateAsync(string id, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken)
    {
        var existing = await SavedAsync(id, cancellationToken);
        if (changes.TryGetValue("id", out var newId) && !string.IsNullOrWhiteSpace(newId) && newId.Trim() != id)
        {
            throw new ValidationFailedException("id", $"A provider's id cannot change (auths refer to it as {id}/NAME); add a new provider instead.");
        }

        var fields = existing.ToFields();
        foreach (var (name, value) in changes)
        {
            if (name != "id")
            {
                fields[name] = value;
            }
        }

        var declaration = factory.Parse(fields);
        if (!await store.UpdateAsync(declaration, cancellationToken))
        {
            throw NotSaved(id);
        }

        await saved.LoadAsync(cancellationToken);
        return new DeclaredProvider(declaration, ProviderSources.Saved, Editable: true);
    }

    /// <summary>Removes a saved provider; refused while auths use it (they are listed, to be removed first).</summary>
    /// <exception cref="ConflictException">Auths of this provider exist.</exception>
    public async Task RemoveAsync(string id, CancellationToken cancellationToken)
    {
        await SavedAsync(id, cancellationToken);
        var users = await auths.ListAsync(id, cancellationToken);
        if (users.Count > 0)
        {
            var refs = string.Join(", ", users.Select(a => a.Ref.ToString()));
            throw new ConflictException(
                $"Provider '{id}' is used by {(users.Count == 1 ? "the auth" : $"{users.Count} auths")} {refs}; remove {(users.Count == 1 ? "it" : "them")} first.",
                "id",
                $"Remove an auth with `maestro auth rm {users[0].Ref}` or on its page.");
        }

        if (!await store.DeleteAsync(id, cancellationToken))
        {
            throw NotSaved(id);
        }

        await saved.LoadAsync(cancellationToken);
    }

    private async Task<ProviderDeclaration> SavedAsync(string id, CancellationToken cancellationToken)
    {
        var snapshot = await saved.LoadAsync(cancellationToken);
        if (snapshot.Declarations.FirstOrDefault(d => d.Id == id) is { } declaration)
        {
            return declaration;
        }

        if (registry.Fixed(id) is { } other)
        {
            throw new ValidationFailedException("id", other.Descriptor.Source == ProviderSources.BuiltIn
                ? $"'{id}' is a built-in provider; only OpenAI-compatible providers saved in the settings can be changed here."
                : $"'{id}' is declared in {other.Descriptor.Source}; change or remove it there (read-only here).");
        }

        throw NotSaved(id);
    }

    private static NotFoundException NotSaved(string id) =>
        new($"No saved OpenAI-compatible provider '{id}'. See `maestro providers` for the configured ones.");
}
