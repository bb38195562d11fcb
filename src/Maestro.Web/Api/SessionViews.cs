using Maestro.Core.Sessions;
using Maestro.Core.Turns;

namespace Maestro.Web.Api;

/// <summary>Builds session views with what they reference resolved: the running turn and MCP server names.</summary>
public sealed class SessionViews(ITurnStore turns, IEnumerable<IMcpServerLookup> mcpServers)
{
    public async Task<SessionView> CreateAsync(Session session, CancellationToken cancellationToken) =>
        await CreateAsync(session, (await turns.GetRunningAsync(session.Id, cancellationToken))?.Id, cancellationToken);

    /// <summary>A session just created: no turn can be running in it yet, so nothing is read for that.</summary>
    public Task<SessionView> CreateForNewAsync(Session session, CancellationToken cancellationToken) => CreateAsync(session, null, cancellationToken);

    /// <summary>Many sessions: the running turns are read once for all of them.</summary>
    public async Task<List<SessionView>> CreateAsync(IEnumerable<Session> sessions, CancellationToken cancellationToken)
    {
        var running = (await turns.RunningAsync(cancellationToken)).ToDictionary(t => t.SessionId, t => t.Id);
        var views = new List<SessionView>();
        foreach (var session in sessions)
        {
            views.Add(await CreateAsync(session, running.TryGetValue(session.Id, out var turn) ? turn : null, cancellationToken));
        }

        return views;
    }

    private async Task<SessionView> CreateAsync(Session session, Guid? runningTurn, CancellationToken cancellationToken)
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

        return SessionView.From(session, runningTurn, names);
    }
}
