namespace Maestro.Core.Usage;

/// <summary>Takes the usage ledger's records: every provider call's tokens, by auth, session and message.</summary>
public interface IUsageRecorder
{
    /// <summary>Queues the record for the ledger; never waits for the database (see <see cref="UsageWriteBehind"/>).</summary>
    void Record(UsageRecord record);
}
