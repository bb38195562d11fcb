using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers.Gemini.OAuth;

public static class GeminiOAuthRegistration
{
    /// <summary>Google sign-in for Gemini, and `maestro auth import gemini`.</summary>
    public static IServiceCollection AddGeminiOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GeminiOAuthOptions.From(configuration));
        services.AddSingleton<IOAuthProvider, GeminiOAuthProvider>();
        services.AddSingleton<IOAuthImporter, GeminiCredentialsImporter>();
        return services;
    }
}
