namespace Maestro.Core.Tools.BuiltIn;

/// <summary>Supplies the built-in tools a session enabled (all of them when it chose none explicitly).</summary>
public sealed class BuiltInToolSource : IToolSource, IBuiltInTools
{
    private readonly IReadOnlyList<MaestroTool> _tools;

    /// <param name="limits">Shown to the model in the tools' descriptions; calls enforce <see cref="ToolContext.Limits"/>.</param>
    public BuiltInToolSource(ToolLimits limits, IHttpClientFactory httpClientFactory)
    {
        _tools =
        [
            new ShellTool(limits),
            new ReadFileTool(limits),
            new WriteFileTool(),
            new EditFileTool(),
            new ListDirTool(),
            new GlobTool(),
            new GrepTool(),
            new HttpFetchTool(httpClientFactory),
        ];
    }

    /// <summary>Every built-in tool, in <see cref="BuiltInTools.All"/> order.</summary>
    public IReadOnlyList<MaestroTool> Tools => _tools;

    public IReadOnlyList<ToolDefinition> Definitions => [.. _tools.Select(t => t.Definition)];

    /// <summary>Unknown names are ignored here; they are refused where the session's tools are chosen (<see cref="BuiltInTools.Unknown"/>).</summary>
    public Task<IReadOnlyList<MaestroTool>> GetToolsAsync(ToolSourceRequest request, CancellationToken cancellationToken)
    {
        IReadOnlyList<MaestroTool> tools = request.EnabledBuiltIns is not { } enabled
            ? _tools
            : _tools.Where(t => enabled.Contains(t.Definition.Name, StringComparer.OrdinalIgnoreCase)).ToArray();
        return Task.FromResult(tools);
    }
}
