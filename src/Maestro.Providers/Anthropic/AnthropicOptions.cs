using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.Anthropic;

/// <summary>Anthropic settings, read from environment variables by name.</summary>
public sealed class AnthropicOptions
{
    public const string DefaultBaseUrl = "https://api.anthropic.com";

    public const string DefaultApiVersion = "2023-06-01";

    /// <summary>
    /// API root (ANTHROPIC_API_BASE_URL, default https://api.anthropic.com). Paths such as /v1/messages are appended to
    /// it, so a base with a path (an emulator at http://127.0.0.1:N/anthropic) works.
    /// </summary>
    public Uri BaseUrl { get; init; } = new(DefaultBaseUrl);

    /// <summary>The anthropic-version header (ANTHROPIC_API_VERSION, default 2023-06-01).</summary>
    public string ApiVersion { get; init; } = DefaultApiVersion;

    /// <summary>The model `maestro chat` uses without --model (ANTHROPIC_DEFAULT_MODEL).</summary>
    public string DefaultModel { get; init; } = "claude-sonnet-4-5";

    /// <summary>Models asked for per page of GET /v1/models (the API's maximum, so one page is the usual case).</summary>
    public int ModelsPageSize { get; init; } = 1000;

    public static AnthropicOptions From(IConfiguration configuration) => new()
    {
        BaseUrl = configuration.GetUrl("ANTHROPIC_API_BASE_URL", DefaultBaseUrl),
        ApiVersion = configuration.GetString("ANTHROPIC_API_VERSION") ?? DefaultApiVersion,
        DefaultModel = configuration.GetString("ANTHROPIC_DEFAULT_MODEL") ?? "claude-sonnet-4-5",
    };
}
