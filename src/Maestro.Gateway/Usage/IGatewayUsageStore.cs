namespace Maestro.Gateway.Usage;

public interface IGatewayUsageStore
{
    Task InsertAsync(IReadOnlyList<GatewayUsageRecord> records, CancellationToken cancellationToken);

    Task<IReadOnlyList<KeyUsageRow>> ByKeyAsync(Guid keyId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Cost and requests per key since a moment (keys without use are absent).</summary>
    Task<IReadOnlyDictionary<Guid, (long Requests, decimal Cost)>> TotalsAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
