namespace Maestro.Core.Usage;

/// <summary>Where the usage ledger's records are written: many at once, in one statement.</summary>
public interface IUsageLedger
{
    Task InsertAsync(IReadOnlyList<UsageRecord> records, CancellationToken cancellationToken);
}
