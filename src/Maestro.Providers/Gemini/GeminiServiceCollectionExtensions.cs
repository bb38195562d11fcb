using Maestro.Core.Providers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers.Gemini;

public static class GeminiServiceCollectionExtensions
{
    /// <summary>Registers the Gemini provider with its settings (GEMINI_API_BASE_URL, GEMINI_USER_PROJECT).</summary>
    public static IServiceCollection AddGeminiProvider(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(GeminiOptions.FromConfiguration(configuration));
        services.AddSingleton<IProvider, GeminiProvider>();
        return services;
    }
}
