namespace Maestro.Core.Providers.Saved;

/// <summary>The provider layer's side of saved declarations: validation, and the provider a declaration makes.</summary>
public interface IProviderDeclarationFactory
{
    /// <summary>Validates raw fields (names as in <see cref="ProviderDeclaration.FieldNames"/>) into a declaration.</summary>
    /// <exception cref="Errors.ValidationFailedException">A field is missing or invalid; each error names its field.</exception>
    ProviderDeclaration Parse(IReadOnlyDictionary<string, string?> fields);

    /// <summary>The provider serving a saved declaration (its descriptor's source is <see cref="ProviderSources.Saved"/>).</summary>
    IProvider Create(ProviderDeclaration declaration);

    /// <summary>The declaration behind a configured provider (saved, or declared in the environment or a file); null for a built-in one.</summary>
    ProviderDeclaration? DeclarationOf(IProvider provider);
}
