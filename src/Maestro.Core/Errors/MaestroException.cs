namespace Maestro.Core.Errors;

/// <summary>
/// An error caused by the user or the environment that Maestro can explain in one line.
/// Surfaces print <see cref="Exception.Message"/> (and <see cref="Hint"/>) without a stack trace.
/// </summary>
public class MaestroException : Exception
{
    public MaestroException(string message, string? hint = null, Exception? inner = null)
        : base(message, inner) => Hint = hint;

    /// <summary>What the user can do about it, e.g. "Set DATABASE_URL or unset it to use the embedded database."</summary>
    public string? Hint { get; }

    /// <summary>A stable machine-readable code for API clients, e.g. "not_found".</summary>
    public virtual string Code => "error";
}
