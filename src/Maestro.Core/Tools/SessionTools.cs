using Maestro.Core.Sessions;

namespace Maestro.Core.Tools;

/// <summary>The tools a session gets now: the built-ins it enabled and its MCP servers' tools.</summary>
public sealed class SessionTools(IEnumerable<IToolSource> sources)
{
    public async Task<ToolSet> ForAsync(Session session, CancellationToken cancellationToken)
    {
        var request = new ToolSourceRequest(session.Id, session.EnabledTools, session.McpServerIds);
        var tools = new List<MaestroTool>();
        foreach (var source in sources)
        {
            tools.AddRange(await source.GetToolsAsync(request, cancellationToken));
        }

        // File and shell tools need a working directory; without one the session is a plain chat.
        if (session.WorkingDirectory is null)
        {
            tools.RemoveAll(t => t.Definition.Source == ToolDefinition.BuiltIn && t.Definition.Effect != ToolEffect.Network);
        }

        return new ToolSet(tools);
    }
}
