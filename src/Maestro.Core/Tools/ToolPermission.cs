namespace Maestro.Core.Tools;

public enum ToolPermission
{
    Allow,
    Ask,
    Deny,
}

public static class ToolPermissionNames
{
    public static string ToWire(this ToolPermission p) => p switch
    {
        ToolPermission.Allow => "allow",
        ToolPermission.Ask => "ask",
        _ => "deny",
    };

    public static ToolPermission? TryParse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "allow" => ToolPermission.Allow,
        "ask" => ToolPermission.Ask,
        "deny" => ToolPermission.Deny,
        _ => null,
    };
}

/// <summary>
/// A session's permission policy: a default for every tool (or, when unset, by effect: read-only tools are allowed,
/// everything else asks) and per-tool overrides. "Approve for this session" adds an Allow override.
/// </summary>
public sealed record ToolPolicy(ToolPermission? Default, IReadOnlyDictionary<string, ToolPermission> PerTool)
{
    public static ToolPolicy Empty { get; } = new(null, new Dictionary<string, ToolPermission>());

    public ToolPermission Resolve(ToolDefinition tool) =>
        PerTool.TryGetValue(tool.Name, out var explicitPermission) ? explicitPermission
        : Default ?? (tool.Effect == ToolEffect.ReadOnly ? ToolPermission.Allow : ToolPermission.Ask);

    public ToolPolicy With(string tool, ToolPermission permission) =>
        this with { PerTool = new Dictionary<string, ToolPermission>(PerTool) { [tool] = permission } };
}
