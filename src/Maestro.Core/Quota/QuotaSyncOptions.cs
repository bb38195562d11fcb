namespace Maestro.Core.Quota;

/// <summary>How often the quota state is written and read back (<c>MAESTRO_QUOTA_SYNC_MS</c>, default 2 s).</summary>
public sealed record QuotaSyncOptions
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(2);
}
