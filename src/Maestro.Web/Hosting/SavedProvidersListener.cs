using Maestro.Core.Providers.Saved;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Hosting;

/// <summary>
/// Reads the providers saved in the settings when the server starts, then follows changes made by the CLI or another
/// instance on the same database (LISTEN), so they apply without a restart.
/// </summary>
public sealed class SavedProvidersListener(SavedProviderSet providers, ILogger<SavedProvidersListener> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await providers.StartAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Provider changes from other Maestro processes are not followed: {Message}", ex.Message);
        }
    }
}
