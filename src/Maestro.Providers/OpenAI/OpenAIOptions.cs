using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.OpenAI;

/// <summary>Settings of the OpenAI provider, read from environment variables by name.</summary>
public sealed class OpenAIOptions
{
    public const string DefaultBaseUrl = "https://api.openai.com";

    /// <summary>
    /// OPENAI_API_BASE_URL (default https://api.openai.com). <c>/v1/responses</c> and <c>/v1/models</c> are appended;
    /// a base that already ends in <c>/v1</c> is accepted without doubling it.
    /// </summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>OPENAI_ORG_ID: sent as the OpenAI-Organization header when set.</summary>
    public string? Organization { get; init; }

    /// <summary>OPENAI_PROJECT: sent as the OpenAI-Project header when set.</summary>
    public string? Project { get; init; }

    public static OpenAIOptions FromConfiguration(IConfiguration configuration) => new()
    {
        BaseUrl = configuration.GetUrl("OPENAI_API_BASE_URL", DefaultBaseUrl),
        Organization = configuration.GetString("OPENAI_ORG_ID"),
        Project = configuration.GetString("OPENAI_PROJECT"),
    };
}
