using Microsoft.Extensions.AI;

namespace Maestro.Core.Usage;

/// <summary>The tokens of one provider call: one row of the usage ledger, counted for its auth, session and message.</summary>
/// <param name="Model">The model asked for (prices are keyed by it).</param>
/// <param name="Purpose">Why the call was made (<see cref="UsagePurposes"/>).</param>
/// <param name="At">When the call ended (set when the record is queued; the ledger is written a moment later).</param>
public sealed record UsageRecord(
    Guid AuthId,
    string Provider,
    string Model,
    string Purpose,
    UsageDetails Usage,
    Guid? SessionId = null,
    Guid? MessageId = null,
    DateTimeOffset? At = null);
