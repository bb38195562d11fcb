using Maestro.Core.Auths;
using Maestro.Core.Providers;

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
    /// The connection pointed at the Code Assist server: the auth's own <c>base_url</c> (a proxy, the emulator) when it
    /// has one, else GEMINI_CODE_ASSIST_ENDPOINT. Idempotent.
    /// </summary>
    public static ProviderConnection Connect(ProviderConnection connection, GeminiOptions options) =>
        connection.Auth.MetadataValue(AuthMetadata.BaseUrl) is not null || connection.BaseUrl == options.CodeAssistEndpoint
            ? connection
            : new ProviderConnection(connection.Auth, connection.Credentials, connection.Http, options.CodeAssistEndpoint, connection.Runtime);

    /// <summary><c>{endpoint}/v1internal:{method}</c>, e.g. <c>…/v1internal:streamGenerateContent?alt=sse</c>.</summary>
    public static Uri Method(Uri endpoint, string methodAndQuery) => new(Root(endpoint) + "/" + Version + ":" + methodAndQuery);

    /// <summary><c>{endpoint}/v1internal/{name}</c>: a long-running operation, by the name onboardUser returned.</summary>
    public static Uri Operation(Uri endpoint, string name) => new(Root(endpoint) + "/" + Version + "/" + name.TrimStart('/'));

    private static string Root(Uri endpoint) => endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
