using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers.Anthropic.OAuth;

public static class AnthropicOAuthRegistration
{
    /// <summary>Claude's code-paste login, and `maestro auth import claude`.</summary>
    public static IServiceCollection AddAnthropicOAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(AnthropicOAuthOptions.From(configuration));
        services.AddSingleton<IOAuthProvider, AnthropicOAuthProvider>();
        services.AddSingleton<IOAuthImporter, ClaudeCredentialsImporter>();
        return services;
    }
}
