using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// Which OpenAI auths are ChatGPT subscription logins, and where they are served: the backend of OpenAI's Codex apps
/// (<see cref="OpenAIOptions.ChatGptBaseUrl"/>) instead of api.openai.com. The wire format is the Responses API.
/// </summary>
public static class ChatGptBackend
{
    /// <summary>The <c>mode</c> metadata of an OAuth auth that signs in with a ChatGPT account.</summary>
    public const string Mode = "chatgpt";

    /// <summary>OAuth auths in ChatGPT mode; API keys (and OAuth auths in any other mode) use the public API.</summary>
    public static bool Serves(AuthRecord auth) =>
        auth.Type == AuthType.OAuth && string.Equals(auth.MetadataValue(AuthMetadata.Mode), Mode, StringComparison.Ordinal);

    /// <summary>
    /// The auth served by the ChatGPT backend. An auth's own <c>base_url</c> (a proxy, the emulator) still wins: core
    /// resolved it already; otherwise OPENAI_CHATGPT_BASE_URL replaces the API's base URL.
    /// </summary>
    public static ProviderEndpoint Endpoint(ProviderConnection connection, OpenAIOptions options) => new(
        connection.Auth.MetadataValue(AuthMetadata.BaseUrl) is not null ? connection : connection.At(options.ChatGptBaseUrl),
        ChatGptSigner.Instance,
        new ChatGptErrorMapper(connection.Runtime.Time))
    {
        Quota = ChatGptQuotaReader.Instance,
    };

    /// <summary><c>{base}/responses</c>, <c>{base}/models</c>: the base already names the Codex backend, so no version segment.</summary>
    public static Uri Resolve(Uri baseUrl, string pathAndQuery) =>
        new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + pathAndQuery.TrimStart('/'));
}
