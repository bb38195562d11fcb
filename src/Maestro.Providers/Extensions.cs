using Maestro.Core.Providers;
using Maestro.Providers.Anthropic;
using Maestro.Providers.Anthropic.OAuth;
using Maestro.Providers.Gemini;
using Maestro.Providers.Gemini.OAuth;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAI.OAuth;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Providers;

public static class Extensions
{
    /// <summary>Registers every built-in provider (one line each) the OpenAI-compatible ones from configuration, and how saved ones are built.</summary>
    public static IServiceCollection AddMaestroProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(AnthropicOptions.From(configuration)).AddSingleton<IProvider, AnthropicProvider>();
        services.AddGeminiProvider(configuration);
        services.AddSingleton<IProvider>(new OpenAIProvider(OpenAIOptions.FromConfiguration(configuration)));
        services.AddAnthropicOAuth(configuration);
        services.AddGeminiOAuth(configuration);
        services.AddOpenAIOAuth(configuration);
        services.AddSingleton<IProviderSource>(sp => new CompatibleProviderSource(configuration, sp.GetServices<IProvider>()));
        services.AddSingleton<Core.Providers.Saved.IProviderDeclarationFactory, CompatibleProviderFactory>();
        return services;
    }
}
