namespace Maestro.Core.Mcp;

/// <summary>Where MCP servers are kept; env and header values are encrypted at rest.</summary>
public interface IMcpServerStore
{
    Task<IReadOnlyList<McpServer>> ListAsync(CancellationToken cancellationToken);

    Task<McpServer?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<McpServer?> FindAsync(string name, CancellationToken cancellationToken);

    /// <exception cref="Errors.ConflictException">The name is taken.</exception>
    Task<McpServer> CreateAsync(McpServer server, CancellationToken cancellationToken);

    /// <summary>Saves every editable member of <paramref name="server"/> (matched by id) and bumps its version.</summary>
    /// <exception cref="Errors.ConflictException">The new name is taken.</exception>
    /// <exception cref="Errors.NotFoundException">The server was deleted meanwhile.</exception>
    Task<McpServer> UpdateAsync(McpServer server, CancellationToken cancellationToken);

    /// <summary>Deletes the server and detaches it from every session that used it, atomically.</summary>
    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);
}
