using Maestro.Core.Auths;
using Maestro.Data.Auths;
using Maestro.Data.Connection;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Data;

public static class Extensions
{
    /// <summary>PostgreSQL storage for everything Maestro persists.</summary>
    public static IServiceCollection AddMaestroData(this IServiceCollection services, DatabaseOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<MaestroDatabase>();
        services.AddSingleton<IAuthStore, PostgresAuthStore>();
        return services;
    }
}
