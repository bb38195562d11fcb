using Maestro.Core.Mcp;
using Maestro.Core.Sessions;
using Maestro.Web.Api;

namespace Maestro.Web.Ui;

/// <summary>The MCP hub's list: servers as shown (values redacted) and which sessions attach each.</summary>
public sealed class McpHubData(McpService mcp, SessionService sessions)
{
    public async Task<(IReadOnlyList<McpServerView> Servers, IReadOnlyDictionary<Guid, List<string>> UsedBy)> LoadAsync(CancellationToken cancellationToken)
    {
        var servers = (await mcp.ListAsync(cancellationToken)).Select(McpServerView.From).ToList();
        var usedBy = new Dictionary<Guid, List<string>>();
        foreach (var session in await sessions.ListAsync(cancellationToken))
        {
            foreach (var id in session.McpServerIds)
            {
                if (!usedBy.TryGetValue(id, out var names))
                {
                    usedBy[id] = names = [];
                }

                names.Add(session.Name);
            }
        }

        return (servers, usedBy);
    }
}
