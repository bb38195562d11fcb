namespace Maestro.Core.Errors;

/// <summary>
/// Maestro is at capacity right now (too many turns running, the database saturated): nothing was done, and the same
/// request will work later. APIs answer 429 with <see cref="RetryAfter"/>; the UI and the CLI say "busy" and retry.
/// </summary>
public class BusyException(string message, TimeSpan retryAfter, string? hint = null) : MaestroException(message, hint)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public override string Code => "busy";
}
