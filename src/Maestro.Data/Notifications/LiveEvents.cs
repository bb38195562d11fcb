using Maestro.Core.Events;
using Maestro.Core.Turns;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Data.Notifications;

public static class LiveEvents
{
    /// <summary>
    /// Connects this process's event hub to the other Maestro processes on the database (starts the database if it
    /// is not up yet). The server does it at start; the CLI before it runs or follows a turn.
    /// </summary>
    public static async Task StartLiveEventsAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<MaestroDatabase>().GetDataSourceAsync(cancellationToken);
        await services.GetRequiredService<PostgresNotifier>().StartAsync(
            services.GetRequiredService<SessionEventHub>(), services.GetRequiredService<TurnSignals>(), cancellationToken);
    }
}
