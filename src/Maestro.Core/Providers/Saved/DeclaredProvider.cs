namespace Maestro.Core.Providers.Saved;

/// <summary>One OpenAI-compatible provider as the Settings page, the API and the CLI list it.</summary>
/// <param name="Source">Where it is declared: <see cref="ProviderSources.Saved"/>, an environment variable or a file.</param>
/// <param name="Editable">Saved from Maestro, so it can be edited and removed there; the others change where they are declared.</param>
/// <param name="Problem">Why a saved provider is not in use (another declaration has its id, or it no longer validates).</param>
public sealed record DeclaredProvider(ProviderDeclaration Declaration, string Source, bool Editable, string? Problem = null);
