using Maestro.Emulator.Hosting;

namespace Maestro.Emulator.Gemini;

/// <summary>The models the emulated Gemini API lists; only those supporting generateContent can be chatted with.</summary>
internal sealed class GeminiModels : IModelCatalog
{
    private static readonly string[] ChatMethods = ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"];
    private static readonly string[] EmbeddingMethods = ["embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"];

    public static IReadOnlyList<GeminiModel> All { get; } =
    [
        new("gemini-2.5-flash", "001", "Gemini 2.5 Flash", "Stable version of Gemini 2.5 Flash, our mid-size multimodal model.", 1048576, 65536, ChatMethods, Thinks: true),
        new("gemini-2.5-pro", "2.5", "Gemini 2.5 Pro", "Stable release of Gemini 2.5 Pro.", 1048576, 65536, ChatMethods, Thinks: true),
        new("gemini-2.5-flash-lite", "001", "Gemini 2.5 Flash-Lite", "Stable version of Gemini 2.5 Flash-Lite.", 1048576, 65536, ChatMethods, Thinks: true),
        new("gemini-2.0-flash", "2.0", "Gemini 2.0 Flash", "Gemini 2.0 Flash", 1048576, 8192, ChatMethods, Thinks: false),
        new("gemini-2.0-flash-lite", "2.0", "Gemini 2.0 Flash-Lite", "Gemini 2.0 Flash-Lite", 1048576, 8192, ChatMethods, Thinks: false),
        new("gemini-3-pro-preview", "3-pro-preview-11-2025", "Gemini 3 Pro Preview", "Gemini 3 Pro Preview", 1048576, 65536, ChatMethods, Thinks: true),
        new("gemini-flash-latest", "Gemini Flash Latest", "Gemini Flash Latest", "Latest release of Gemini Flash", 1048576, 65536, ChatMethods, Thinks: true),
        new("gemini-embedding-001", "001", "Gemini Embedding 001", "Obtain a distributed representation of a text.", 2048, 1, EmbeddingMethods, Thinks: false),
    ];

    public bool TryResolve(string requested, out CatalogModel model)
    {
        var name = requested.StartsWith("models/", StringComparison.Ordinal) ? requested["models/".Length..] : requested;
        var found = All.FirstOrDefault(m => m.Id == name && m.Methods.Contains("generateContent"));
        model = found is null ? default : new CatalogModel(found.Id, found.Thinks);
        return found is not null;
    }
}

/// <param name="Thinks">A thinking model: its function calls carry a thoughtSignature.</param>
internal sealed record GeminiModel(
    string Id,
    string Version,
    string DisplayName,
    string Description,
    int InputTokenLimit,
    int OutputTokenLimit,
    IReadOnlyList<string> Methods,
    bool Thinks)
{
    public string Name => "models/" + Id;
}
