using Maestro.Core.Sessions;

namespace Maestro.Core.Mcp;

/// <summary>Lets sessions name their MCP servers (SessionSpec.McpServers) while storing ids.</summary>
public sealed class McpServerLookup(IMcpServerStore store) : IMcpServerLookup
{
    public async Task<Guid?> FindIdAsync(string name, CancellationToken cancellationToken) =>
        (await store.FindAsync(name, cancellationToken))?.Id;

    public async Task<string?> NameOfAsync(Guid id, CancellationToken cancellationToken) =>
        (await store.GetAsync(id, cancellationToken))?.Name;
}
