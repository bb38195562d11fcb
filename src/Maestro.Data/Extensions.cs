using Maestro.Core.Access;
using Maestro.Core.Auths;
using Maestro.Core.Conversations;
using Maestro.Core.Events;
using Maestro.Core.Mcp;
using Maestro.Core.Prompts;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Maestro.Data.Access;
using Maestro.Data.Auths;
using Maestro.Data.Connection;
using Maestro.Data.Conversations;
using Maestro.Data.Mcp;
using Maestro.Data.Notifications;
using Maestro.Data.Prompts;
using Maestro.Data.Sessions;
using Maestro.Data.Turns;
using Maestro.Data.Usage;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Data;

public static class Extensions
{
    /// <summary>PostgreSQL storage for everything Maestro persists.</summary>
    public static IServiceCollection AddMaestroData(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<MaestroDatabase>();
        services.AddSingleton<PostgresAuthStore>();
        services.AddSingleton<IAuthStore>(sp => sp.GetRequiredService<PostgresAuthStore>());
        services.AddSingleton<IAuthHealthStore, Auths.PostgresAuthHealthStore>();
        services.AddSingleton<AuthHealthTracker>();
        services.AddSingleton<Core.Settings.ISettingsStore, Settings.PostgresSettingsStore>();
        services.AddSingleton<Core.Settings.PriceSettings>();
        services.AddSingleton<Core.Settings.SessionDefaultsSettings>();
        services.AddSingleton<IAccessStore, PostgresAccessStore>();
        services.AddSingleton<ISessionStore, PostgresSessionStore>();
        services.AddSingleton<IConversationStore, PostgresConversationStore>();
        services.AddSingleton<ITurnStore, PostgresTurnStore>();
        services.AddSingleton<ITurnStartStore, PostgresTurnStarts>();
        services.AddSingleton<Core.Turns.Persistence.ITurnProgressStore, PostgresTurnProgressStore>();
        services.AddSingleton<IApprovalStore, PostgresApprovalStore>();
        services.AddSingleton<IPromptStore, PostgresPromptStore>();
        services.AddSingleton<PostgresUsageStore>();
        services.AddSingleton<IUsageStore>(sp => sp.GetRequiredService<PostgresUsageStore>());
        services.AddSingleton<IUsageLedger>(sp => sp.GetRequiredService<PostgresUsageStore>());
        services.AddSingleton<IMcpServerStore, PostgresMcpServerStore>();
        services.AddSingleton<Core.OAuth.IOAuthFlowStore, OAuth.PostgresOAuthFlowStore>();
        services.AddSingleton<Core.Quota.IAuthQuotaStore, Quota.PostgresAuthQuotaStore>();
        services.AddSingleton<Core.Providers.Saved.IProviderDeclarationStore, Providers.PostgresProviderDeclarationStore>();
        services.AddSingleton<Core.Providers.Saved.SavedProviderSet>();
        services.AddSingleton<Core.Providers.Saved.SavedProviders>();
        services.AddSingleton<PostgresNotifier>();
        services.AddSingleton<IEventBridge>(sp => sp.GetRequiredService<PostgresNotifier>());
        services.AddSingleton<ISignalBridge>(sp => sp.GetRequiredService<PostgresNotifier>());
        return services;
    }
}
