using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.OpenAI;

/// <summary>Settings of the OpenAI provider, read from environment variables by name.</summary>
public sealed class OpenAIOptions
{
    public const string DefaultBaseUrl = "https://api.openai.com";

    /// <summary>Where ChatGPT (subscription) logins are served: the backend of OpenAI's Codex apps.</summary>
    public const string DefaultChatGptBaseUrl = "https://chatgpt.com/backend-api/codex";

    /// <summary>
    /// OPENAI_API_BASE_URL (default https://api.openai.com). <c>/v1/responses</c> and <c>/v1/models</c> are appended;
    /// a base that already ends in <c>/v1</c> is accepted without doubling it.
    /// </summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>
    /// OPENAI_CHATGPT_BASE_URL (default https://chatgpt.com/backend-api/codex): used instead of the API for OAuth auths
    /// in ChatGPT mode (see <see cref="ChatGpt.ChatGptBackend"/>); <c>/responses</c> and <c>/models</c> are appended.
    /// </summary>
    public Uri ChatGptBaseUrl { get; init; } = new(DefaultChatGptBaseUrl);

    /// <summary>OPENAI_ORG_ID: sent as the OpenAI-Organization header when set.</summary>
    public string? Organization { get; init; }

    /// <summary>OPENAI_PROJECT: sent as the OpenAI-Project header when set.</summary>
    public string? Project { get; init; }

    /// <summary>
    /// OPENAI_REASONING_SUMMARY: the reasoning summary reasoning models are asked for (auto, concise, detailed or
    /// none; default auto). OpenAI gives summaries only to verified organizations; an unverified one is retried once
    /// without, so "none" only saves that round trip.
    /// </summary>
    public string ReasoningSummary { get; init; } = "auto";

    /// <summary>The model used when none is given (OPENAI_DEFAULT_MODEL).</summary>
    public string DefaultModel { get; init; } = OpenAIProvider.DefaultModel;

    /// <summary>The model used when none is given for a ChatGPT login (OPENAI_CHATGPT_DEFAULT_MODEL): the Codex apps' default.</summary>
    public string ChatGptDefaultModel { get; init; } = DefaultChatGptModel;

    public const string DefaultChatGptModel = "gpt-5.2-codex";

    public static OpenAIOptions FromConfiguration(IConfiguration configuration)
    {
        var summary = configuration.GetString("OPENAI_REASONING_SUMMARY")?.ToLowerInvariant() ?? "auto";
        if (summary is not ("auto" or "concise" or "detailed" or "none"))
        {
            throw new MaestroException($"OPENAI_REASONING_SUMMARY='{summary}' must be auto, concise, detailed or none.");
        }

        return new OpenAIOptions
        {
            BaseUrl = configuration.GetUrl("OPENAI_API_BASE_URL", DefaultBaseUrl),
            ChatGptBaseUrl = configuration.GetUrl("OPENAI_CHATGPT_BASE_URL", DefaultChatGptBaseUrl),
            Organization = configuration.GetString("OPENAI_ORG_ID"),
            Project = configuration.GetString("OPENAI_PROJECT"),
            ReasoningSummary = summary,
            DefaultModel = configuration.GetString("OPENAI_DEFAULT_MODEL") ?? OpenAIProvider.DefaultModel,
            ChatGptDefaultModel = configuration.GetString("OPENAI_CHATGPT_DEFAULT_MODEL") ?? DefaultChatGptModel,
        };
    }
}
