namespace Maestro.Web.Components.Gateway;

/// <summary>One copyable setup snippet: what it is for, its language, its text.</summary>
public sealed record GatewaySnippet(string Title, string Language, string Text);

/// <summary>
/// How tools reach the gateway: each client's base URL and a snippet per kind of client, with the key filled in when
/// there is one to show (right after creating it) and a placeholder otherwise.
/// </summary>
public static class GatewaySnippets
{
    public const string KeyPlaceholder = "sk-maestro-…";

    public static string OpenAIBase(string baseUrl) => baseUrl + "/v1";

    public static string AnthropicBase(string baseUrl) => baseUrl;

    public static string GeminiBase(string baseUrl) => baseUrl + "/v1beta";

    /// <param name="model">A model name the key can use (a route, or provider/auth/model).</param>
    public static IReadOnlyList<GatewaySnippet> For(string baseUrl, string? key, string model)
    {
        key ??= KeyPlaceholder;
        return
        [
            new("OpenAI SDKs, Codex CLI, opencode", "sh", $"""
                export OPENAI_BASE_URL={OpenAIBase(baseUrl)}
                export OPENAI_API_KEY={key}
                """),
            new("Anthropic SDKs, Claude Code", "sh", $"""
                export ANTHROPIC_BASE_URL={AnthropicBase(baseUrl)}
                export ANTHROPIC_API_KEY={key}
                """),
            new("Python, OpenAI SDK", "python", $$"""
                from openai import OpenAI
                client = OpenAI(base_url="{{OpenAIBase(baseUrl)}}", api_key="{{key}}")
                client.chat.completions.create(model="{{model}}", messages=[{"role": "user", "content": "Hi"}])
                """),
            new("Python, Anthropic SDK", "python", $$"""
                import anthropic
                client = anthropic.Anthropic(base_url="{{AnthropicBase(baseUrl)}}", api_key="{{key}}")
                client.messages.create(model="{{model}}", max_tokens=1024, messages=[{"role": "user", "content": "Hi"}])
                """),
            new("curl, Gemini API", "sh", $$"""
                curl {{GeminiBase(baseUrl)}}/models/{{model}}:generateContent \
                  -H "x-goog-api-key: {{key}}" -H "content-type: application/json" \
                  -d '{"contents": [{"role": "user", "parts": [{"text": "Hi"}]}]}'
                """),
        ];
    }

    /// <summary>A model name to show in examples: the first route, else a model of the first auth, else a made-up one.</summary>
    public static string ExampleModel(IReadOnlyList<string> routes, IReadOnlyList<string> auths) =>
        routes.Count > 0 ? routes[0] : auths.Count > 0 ? auths[0] + "/MODEL" : "anthropic/work/claude-sonnet-4-5";
}
