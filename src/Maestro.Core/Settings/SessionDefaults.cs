namespace Maestro.Core.Settings;

/// <summary>What a new session gets for what its creator leaves out (UI, API, CLI alike).</summary>
/// <param name="Auth">provider/name.</param>
/// <param name="Model">Used with <paramref name="Auth"/> only (a model id means nothing for another provider).</param>
/// <param name="Tools">Built-in tools enabled (null: all).</param>
/// <param name="Approve">allow, ask or deny (null: read-only tools run, others ask).</param>
public sealed record SessionDefaults(string? Auth = null, string? Model = null, IReadOnlyList<string>? Tools = null, string? Approve = null)
{
    public static SessionDefaults None { get; } = new();
}
