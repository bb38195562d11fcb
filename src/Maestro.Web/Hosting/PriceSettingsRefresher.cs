using Maestro.Core.Settings;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Hosting;

/// <summary>
/// Keeps the server's price table in step with the prices saved in the settings: read at start, then every
/// <see cref="PriceSettings.Refresh"/> (a change made by the CLI or another instance shows within a minute).
/// </summary>
public sealed class PriceSettingsRefresher(PriceSettings prices, TimeProvider time, ILogger<PriceSettingsRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PriceSettings.Refresh, time);
        do
        {
            try
            {
                await prices.LoadAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not read the saved prices; the built-in and file prices still apply");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
