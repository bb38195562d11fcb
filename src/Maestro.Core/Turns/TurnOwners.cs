namespace Maestro.Core.Turns;

/// <summary>
/// A turn's owner is "host:pid:random". On the same host, a dead owner process is certain, so its turns can be
/// interrupted at once instead of waiting for the heartbeat to go stale.
/// </summary>
public static class TurnOwners
{
    public static bool IsDeadOnThisHost(string owner)
    {
        var parts = owner.Split(':');
        if (parts.Length < 2 || !string.Equals(parts[0], Environment.MachineName, StringComparison.Ordinal) ||
            !int.TryParse(parts[1], out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            // This process: alive, but a turn it does not run any more (it restarted in place) is dead.
            return false;
        }

        return !Directory.Exists($"/proc/{pid}");
    }
}
