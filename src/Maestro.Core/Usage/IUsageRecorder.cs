namespace Maestro.Core.Usage;

/// <summary>Writes the usage ledger: every provider call's tokens, by auth, session and message.</summary>
public interface IUsageRecorder
{
    Task RecordAsync(UsageRecord record, CancellationToken cancellationToken);
}
