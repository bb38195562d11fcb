using Maestro.Core.OAuth.Imports;
using Maestro.Core.OAuth.Logins;
using Maestro.Core.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Maestro.Core.OAuth;

public static class OAuthServiceCollectionExtensions
{
    /// <summary>
    /// Logins, refresh and imports for the providers' <see cref="IOAuthProvider"/>s, and the credential source that keeps
    /// OAuth auths fresh (it replaces the stored-credentials one). The web host also runs <see cref="OAuthRefreshService"/>.
    /// </summary>
    public static IServiceCollection AddMaestroOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OAuthSettings.From(configuration));
        services.AddHttpClient(OAuthTokenClient.HttpClientName, client =>
        {
            client.Timeout = TimeSpan.FromSeconds(30);
            client.MaxResponseContentBufferSize = 1024 * 1024;
        });
        services.AddSingleton<OAuthTokenClient>();
        services.AddSingleton<OAuthProviders>();
        services.AddSingleton<OAuthEvents>();
        services.AddSingleton<OAuthRefresher>();
        services.AddSingleton<OAuthAuths>();
        services.AddSingleton<OAuthLoginMessages>();
        services.AddSingleton<OAuthLoginRuns>();
        services.AddSingleton<OAuthFlowProgress>();
        services.AddSingleton<OAuthLoginCompletion>();
        services.AddSingleton<OAuthCodeReceiver>();
        services.AddSingleton<OAuthBrowserLogin>();
        services.AddSingleton<OAuthDeviceLogin>();
        services.AddSingleton<OAuthLoginValidator>();
        services.AddSingleton<OAuthLoginStarter>();
        services.AddSingleton<OAuthLoginService>();
        services.AddSingleton(sp => new OAuthImportService(
            sp.GetRequiredService<Auths.AuthService>(),
            sp.GetRequiredService<OAuthAuths>(),
            sp.GetServices<IOAuthImporter>(),
            sp.GetRequiredService<OAuthEvents>(),
            name => configuration[name]));
        services.AddSingleton<OAuthRefreshService>();
        services.Replace(ServiceDescriptor.Singleton<ICredentialSourceFactory, OAuthCredentialSourceFactory>());
        return services;
    }
}
