using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers.OpenAI.OAuth;

public static class OpenAIOAuthRegistration
{
    /// <summary>Sign in with ChatGPT, and `maestro auth import codex`.</summary>
    public static IServiceCollection AddOpenAIOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(OpenAIOAuthOptions.From(configuration));
        services.AddSingleton<IOAuthProvider, OpenAIOAuthProvider>();
        services.AddSingleton<IOAuthImporter, CodexLoginImporter>();
        return services;
    }
}
