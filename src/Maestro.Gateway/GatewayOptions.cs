using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Gateway;

/// <summary>Gateway settings (environment variables in parentheses).</summary>
public sealed class GatewayOptions
{
    /// <summary>The largest request body accepted (MAESTRO_GATEWAY_MAX_BODY_MB, default 32): images inline make bodies large.</summary>
    public long MaxBodyBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>How long an auth read from storage is reused (credentials refresh themselves meanwhile).</summary>
    public TimeSpan AuthCacheTtl { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long keys and routes read from storage are reused; changes made in this process apply at once.</summary>
    public TimeSpan ConfigCacheTtl { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often recorded usage is written to the database (in batches, off the request path).</summary>
    public TimeSpan UsageFlushInterval { get; init; } = TimeSpan.FromSeconds(1);

    public static GatewayOptions From(IConfiguration configuration) => new()
    {
        MaxBodyBytes = configuration.GetInt("MAESTRO_GATEWAY_MAX_BODY_MB", 32, min: 1, max: 1024) * 1024L * 1024,
    };
}
