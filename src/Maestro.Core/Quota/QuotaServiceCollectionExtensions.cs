using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maestro.Core.Quota;

public static class QuotaServiceCollectionExtensions
{
    /// <summary>
    /// The auths' quota state: held in memory, synced with the store (a hosted service where there is a host; a command
    /// without one writes what it learned when its services are disposed).
    /// </summary>
    public static IServiceCollection AddAuthQuota(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new QuotaSyncOptions
        {
            Interval = TimeSpan.FromMilliseconds(configuration.GetInt("MAESTRO_QUOTA_SYNC_MS", 2000, min: 50, max: 600_000)),
        });
        services.TryAddSingleton<ObservedAuthLimits>();
        services.TryAddSingleton<AuthQuotaSync>();
        services.TryAddSingleton<IAuthLimits>(sp =>
        {
            // Whoever reports a limit brings the sync to life, so what is learned is written even without a host.
            _ = sp.GetService<AuthQuotaSync>();
            return sp.GetRequiredService<ObservedAuthLimits>();
        });
        services.AddHostedService(sp => sp.GetRequiredService<AuthQuotaSync>());
        return services;
    }
}
