using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.Gemini;

/// <summary>Gemini settings, read from environment variables by name.</summary>
public sealed class GeminiOptions
{
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com";

    /// <summary>
    /// GEMINI_API_BASE_URL (default https://generativelanguage.googleapis.com). <c>/v1beta/...</c> is appended, so a base
    /// with a path (an emulator's <c>http://127.0.0.1:N/gemini</c>) works; a base that already ends in a version segment
    /// (<c>.../v1beta</c>) is used as it is.
    /// </summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>
    /// GEMINI_USER_PROJECT: the Google Cloud project billed for OAuth requests (<c>x-goog-user-project</c>). When unset,
    /// an OAuth auth's <c>project_id</c> metadata is used; API keys carry their project and never send it.
    /// </summary>
    public string? UserProject { get; init; }

    /// <summary>Models per page when listing (Google allows at most 1000). Tests lower it to exercise pagination.</summary>
    public int ModelsPageSize { get; init; } = 1000;

    public static GeminiOptions FromConfiguration(IConfiguration configuration) => new()
    {
        BaseUrl = configuration.GetUrl("GEMINI_API_BASE_URL", DefaultBaseUrl),
        UserProject = configuration.GetString("GEMINI_USER_PROJECT"),
    };
}
