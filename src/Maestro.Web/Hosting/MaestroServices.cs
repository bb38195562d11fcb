using Maestro.Core;
using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Data.Connection;
using Maestro.Gateway;
using Maestro.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Web.Hosting;

/// <summary>The composition root shared by `maestro serve`, the other CLI commands and the tests.</summary>
public static class MaestroServices
{
    public static IServiceCollection AddMaestro(this IServiceCollection services, IConfiguration configuration)
    {
        var home = MaestroHome.FromEnvironment(name => configuration[name]);
        var database = new DatabaseOptions
        {
            DatabaseUrl = configuration.GetString("DATABASE_URL"),
            Home = home.Path,
            PostgresBinDirectory = configuration.GetString("MAESTRO_PG_BIN"),
            PostgresUser = configuration.GetString("MAESTRO_PG_USER"),
            // Throwaway clusters (tests) skip fsync; never set this for data you keep.
            Durable = !configuration.GetFlag("MAESTRO_PG_NO_FSYNC"),
            AutoMigrate = configuration.GetFlag("MAESTRO_AUTO_MIGRATE", defaultValue: true),
            MaxPoolSize = configuration.GetInt("MAESTRO_DB_POOL_SIZE", DatabaseOptions.DefaultMaxPoolSize, min: 2, max: 1000),
            AutoPrepare = configuration.GetFlag("MAESTRO_DB_AUTO_PREPARE", defaultValue: true),
        };

        services.AddSingleton(home);
        services.AddSingleton(_ => SecretKeyProvider.Locate(name => configuration[name], home, database.IsEmbedded));
        services.AddSingleton<ISecretProtector>(_ =>
        {
            if (database.IsEmbedded)
            {
                home.EnsureWritable();
            }

            return SecretKeyProvider.Create(name => configuration[name], home, database.IsEmbedded);
        });
        // Read only by the server and `maestro access`; a malformed MAESTRO_ACCESS_TOKEN is reported when one of them starts.
        services.AddSingleton(_ => new AccessTokenFile(home, configuration.GetString(AccessTokenFile.EnvironmentVariable)));
        services.AddSingleton(new AccessOptions
        {
            StreamRecheckInterval = TimeSpan.FromSeconds(configuration.GetInt("MAESTRO_STREAM_RECHECK_SECONDS", 30, min: 1, max: 3600)),
        });
        services.AddSingleton<AccessService>();
        services.AddMaestroCore(configuration);
        services.AddMaestroData(database);
        services.AddMaestroProviders(configuration);
        services.AddMaestroGateway(configuration);
        services.AddMaestroOpenTelemetry(configuration);
        // Views shared by the REST API and the CLI's --json output.
        services.AddSingleton<Api.SessionViews>();
        return services;
    }
}
