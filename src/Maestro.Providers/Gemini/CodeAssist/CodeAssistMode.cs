using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// Which Gemini auths are Code Assist logins (OAuth, mode <c>code_assist</c>; mode <c>api</c> or no mode uses the public
/// Gemini API), where they are served (<see cref="GeminiOptions.CodeAssistEndpoint"/>), and its URLs.
/// </summary>
public static class CodeAssistMode
{
    public const string Mode = "code_assist";

    /// <summary>The API version segment of every Code Assist method.</summary>
    public const string Version = "v1internal";

    public static bool Serves(AuthRecord auth) =>
        auth.Type == AuthType.OAuth && string.Equals(auth.MetadataValue(AuthMetadata.Mode), Mode, StringComparison.Ordinal);

    /// <summary>
    /// The auth served by the Code Assist server: the auth's own <c>base_url</c> (a proxy, the emulator) when it has
    /// one, else GEMINI_CODE_ASSIST_ENDPOINT. Idempotent.
    /// </summary>
    public static ProviderEndpoint Endpoint(ProviderConnection connection, GeminiOptions options, IProviderErrorMapper errors) => new(
        connection.Auth.MetadataValue(AuthMetadata.BaseUrl) is not null ? connection : connection.At(options.CodeAssistEndpoint),
        CodeAssistSigner.Instance,
        errors)
    {
        Quota = GeminiQuotaReader.Instance,
    };

    /// <summary><c>{endpoint}/v1internal:{method}</c>, e.g. <c>…/v1internal:streamGenerateContent?alt=sse</c>.</summary>
    public static Uri Method(Uri endpoint, string methodAndQuery) => new(Root(endpoint) + "/" + Version + ":" + methodAndQuery);

    /// <summary><c>{endpoint}/v1internal/{name}</c>: a long-running operation, by the name onboardUser returned.</summary>
    public static Uri Operation(Uri endpoint, string name) => new(Root(endpoint) + "/" + Version + "/" + name.TrimStart('/'));

    private static string Root(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
