namespace Maestro.Core.Errors;

/// <summary>The request clashes with existing state (duplicate name, a turn already running).</summary>
public sealed class ConflictException(string message, string? field = null, string? hint = null) : MaestroException(message, hint)
{
    public string? Field { get; } = field;

    public override string Code => "conflict";
}
