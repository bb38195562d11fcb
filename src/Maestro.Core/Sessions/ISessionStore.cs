namespace Maestro.Core.Sessions;

public interface ISessionStore
{
    Task<IReadOnlyList<Session>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Sessions <paramref name="offset"/>.. (most recently updated first) that pass the filter, and how many do in all.</summary>
    Task<(IReadOnlyList<Session> Sessions, int Total)> ListPageAsync(int offset, int limit, SessionFilter filter, CancellationToken cancellationToken);

    Task<Session?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<Session?> FindAsync(string name, CancellationToken cancellationToken);

    /// <exception cref="Errors.ConflictException">The name is taken.</exception>
    Task<Session> CreateAsync(Session session, CancellationToken cancellationToken);

    /// <summary>Saves every editable member of <paramref name="session"/> (matched by id).</summary>
    Task<Session> UpdateAsync(Session session, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);

    Task SetMcpServersAsync(Guid sessionId, IReadOnlyCollection<Guid> serverIds, CancellationToken cancellationToken);
}
