using Maestro.Core.Sessions;
using Maestro.Core.Turns;

namespace Maestro.Web.Api;

/// <summary>Builds session views with what they reference resolved: the running turn and MCP server names.</summary>
public sealed class SessionViews(ITurnStore turns, IEnumerable<IMcpServerLookup> mcpServers)
{
    public async Task<SessionView> CreateAsync(Session session, CancellationToken cancellationToken)
    {
        var names = new List<string>(session.McpServerIds.Count);
        foreach (var id in session.McpServerIds)
        {
            string? name = null;
            foreach (var lookup in mcpServers)
            {
                name ??= await lookup.NameOfAsync(id, cancellationToken);
            }

            names.Add(name ?? id.ToString());
        }

        var running = await turns.GetRunningAsync(session.Id, cancellationToken);
        return SessionView.From(session, running?.Id, names);
    }

    public async Task<List<SessionView>> CreateAsync(IEnumerable<Session> sessions, CancellationToken cancellationToken)
    {
        var views = new List<SessionView>();
        foreach (var session in sessions)
        {
            views.Add(await CreateAsync(session, cancellationToken));
        }

        return views;
    }
}
