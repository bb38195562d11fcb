using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.Gemini;

/// <summary>Gemini settings, read from environment variables by name.</summary>
public sealed class GeminiOptions
{
    public const string DefaultBaseUrl = "https://generativelanguage.googleapis.com";

    /// <summary>Google's Code Assist server (the backend of Gemini Code Assist and Gemini CLI logins).</summary>
    public const string DefaultCodeAssistEndpoint = "https://cloudcode-pa.googleapis.com";

    /// <summary>
    /// GEMINI_API_BASE_URL (default https://generativelanguage.googleapis.com). <c>/v1beta/...</c> is appended, so a base
    /// with a path (an emulator's <c>http://127.0.0.1:N/gemini</c>) works; a base that already ends in a version segment
    /// (<c>.../v1beta</c>) is used as it is.
    /// </summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>
    /// GEMINI_USER_PROJECT: the Google Cloud project billed for OAuth requests (<c>x-goog-user-project</c>). When unset,
    /// an OAuth auth's <c>project_id</c> metadata is used; API keys carry their project and never send it. Code Assist
    /// onboarding offers it as the user's project (licensed, standard-tier users need one; the free tier never uses it).
    /// </summary>
    public string? UserProject { get; init; }

    /// <summary>
    /// GEMINI_CODE_ASSIST_ENDPOINT (default https://cloudcode-pa.googleapis.com): where OAuth auths in Code Assist mode are
    /// served; <c>/v1internal:{method}</c> is appended. An auth's <c>base_url</c> overrides it.
    /// </summary>
    public Uri CodeAssistEndpoint { get; init; } = new(DefaultCodeAssistEndpoint);

    /// <summary>
    /// The longest wait between polls of Code Assist's onboarding operation (gemini-cli waits 5 s each time; Maestro waits
    /// 1 s, 2 s, 4 s, then this). Tests lower it.
    /// </summary>
    public TimeSpan CodeAssistPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Polls of the onboarding operation before giving up with an error (about 5 minutes at the default interval).</summary>
    public int CodeAssistMaxPolls { get; init; } = 60;

    /// <summary>Models per page when listing (Google allows at most 1000). Tests lower it to exercise pagination.</summary>
    public int ModelsPageSize { get; init; } = 1000;

    /// <summary>The model used when none is given (GEMINI_DEFAULT_MODEL).</summary>
    public string DefaultModel { get; init; } = GeminiProvider.DefaultModel;

    public static GeminiOptions FromConfiguration(IConfiguration configuration) => new()
    {
        BaseUrl = configuration.GetUrl("GEMINI_API_BASE_URL", DefaultBaseUrl),
        UserProject = configuration.GetString("GEMINI_USER_PROJECT"),
        CodeAssistEndpoint = configuration.GetUrl("GEMINI_CODE_ASSIST_ENDPOINT", DefaultCodeAssistEndpoint),
        DefaultModel = configuration.GetString("GEMINI_DEFAULT_MODEL") ?? GeminiProvider.DefaultModel,
    };
}
