using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Providers.Gemini.CodeAssist;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers.Gemini;

public static class GeminiServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Gemini provider with its settings (GEMINI_API_BASE_URL, GEMINI_USER_PROJECT,
    /// GEMINI_CODE_ASSIST_ENDPOINT) and Code Assist onboarding, which saves a login's project to the auth store.
    /// </summary>
    public static IServiceCollection AddGeminiProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GeminiOptions.FromConfiguration(configuration));
        services.AddSingleton(sp => new CodeAssistSetup(sp.GetRequiredService<GeminiOptions>(), sp.GetService<IAuthStore>(), new GeminiErrorMapper()));
        services.AddSingleton<IProvider>(sp => new GeminiProvider(sp.GetRequiredService<GeminiOptions>(), sp.GetRequiredService<CodeAssistSetup>()));
        return services;
    }
}
