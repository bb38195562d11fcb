namespace Maestro.Emulator;

/// <summary>The path prefixes the emulated providers are served under; pass one to <see cref="EmulatorServer.ProviderUrl"/>.</summary>
public static class EmulatorProviders
{
    public const string Anthropic = "anthropic";
    public const string OpenAI = "openai";
    public const string Gemini = "gemini";

    /// <summary>The ChatGPT Codex backend that serves ChatGPT (subscription) logins: <c>OPENAI_CHATGPT_BASE_URL</c>.</summary>
    public const string ChatGpt = "chatgpt";

    /// <summary>Google's Code Assist server that serves Gemini Code Assist logins: <c>GEMINI_CODE_ASSIST_ENDPOINT</c>.</summary>
    public const string CodeAssist = "codeassist";

    public static IReadOnlyList<string> All { get; } = [Anthropic, OpenAI, Gemini, ChatGpt, CodeAssist];
}
