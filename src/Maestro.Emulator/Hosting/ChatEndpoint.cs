namespace Maestro.Emulator.Hosting;

/// <summary>One emulated chat API (Anthropic Messages, OpenAI Responses, Chat Completions, Gemini generateContent): its provider pieces.</summary>
/// <param name="Provider">Provider id, as recorded and logged.</param>
/// <param name="FixtureFolder">Where its recordings live under Fixtures/providers (e.g. <c>anthropic/messages</c>).</param>
internal sealed record ChatEndpoint(
    string Provider,
    string FixtureFolder,
    IProviderAuth Auth,
    IProviderErrors Errors,
    IModelCatalog Catalog,
    IChatRequestReader Reader,
    IWireRenderer Renderer,
    string StreamContentType,
    string JsonContentType,
    IQuotaReporter? Quota = null);
