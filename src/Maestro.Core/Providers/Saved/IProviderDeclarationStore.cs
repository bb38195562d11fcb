namespace Maestro.Core.Providers.Saved;

/// <summary>The saved OpenAI-compatible provider declarations, shared by every process on the database.</summary>
public interface IProviderDeclarationStore
{
    Task<IReadOnlyList<ProviderDeclaration>> ListAsync(CancellationToken cancellationToken);

    /// <exception cref="Errors.ConflictException">A saved provider already has the id.</exception>
    Task AddAsync(ProviderDeclaration declaration, CancellationToken cancellationToken);

    /// <returns>False when no saved provider has the id.</returns>
    Task<bool> UpdateAsync(ProviderDeclaration declaration, CancellationToken cancellationToken);

    /// <returns>False when no saved provider has the id.</returns>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="changed"/> whenever any process changes a saved provider, and once each time listening
    /// (re)starts so nothing said while it was not listening is missed. <paramref name="listening"/> completes when the
    /// first listen is active. Runs until cancelled.
    /// </summary>
    Task ListenAsync(Func<CancellationToken, Task> changed, TaskCompletionSource listening, CancellationToken cancellationToken);
}
