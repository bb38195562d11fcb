using Maestro.Data.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Maestro.Web.Hosting;

/// <summary>Connects the server's live events to other Maestro processes once the database is up.</summary>
public sealed class LiveEventsService(IServiceProvider services, ILogger<LiveEventsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await services.StartLiveEventsAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("Live events from other Maestro processes are unavailable: {Message}", ex.Message);
        }
    }
}
