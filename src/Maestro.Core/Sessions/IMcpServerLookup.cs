namespace Maestro.Core.Sessions;

/// <summary>Resolves MCP server names to ids for a session's configuration (implemented by the MCP module).</summary>
public interface IMcpServerLookup
{
    Task<Guid?> FindIdAsync(string name, CancellationToken cancellationToken);

    Task<string?> NameOfAsync(Guid id, CancellationToken cancellationToken);
}
