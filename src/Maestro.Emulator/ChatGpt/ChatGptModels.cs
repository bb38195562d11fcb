using Maestro.Emulator.Hosting;

namespace Maestro.Emulator.ChatGpt;

/// <summary>
/// The models the emulated ChatGPT backend serves, in the shape of its <c>GET /models</c> catalog: slugs (answers echo
/// them unchanged), picker visibility and the lowest Codex client version that is offered each. All of them reason.
/// </summary>
internal sealed class ChatGptModels : IModelCatalog
{
    public static IReadOnlyList<ChatGptModel> All { get; } =
    [
        new("gpt-5.2-codex", "gpt-5.2-codex", "Latest frontier agentic coding model.", 272_000, "list", [0, 80, 0], ["low", "medium", "high", "xhigh"]),
        new("gpt-5.2", "gpt-5.2", "Latest frontier model.", 272_000, "list", [0, 70, 0], ["low", "medium", "high", "xhigh"]),
        new("gpt-5.1-codex-max", "gpt-5.1-codex-max", "Codex-optimized flagship for deep and fast reasoning.", 272_000, "list", [0, 60, 0], ["low", "medium", "high", "xhigh"]),
        new("gpt-5.1-codex-mini", "gpt-5.1-codex-mini", "Optimized for codex. Cheaper, faster, but less capable.", 272_000, "list", [0, 50, 0], ["medium", "high"]),
        new("gpt-5-codex", "gpt-5-codex", "Superseded by gpt-5.1-codex.", 272_000, "hide", [0, 1, 0], ["low", "medium", "high"]),
    ];

    public bool TryResolve(string requested, out CatalogModel model)
    {
        foreach (var candidate in All)
        {
            if (requested == candidate.Slug)
            {
                model = new CatalogModel(candidate.Slug, Thinks: true);
                return true;
            }
        }

        model = default;
        return false;
    }
}

/// <param name="Visibility"><c>list</c> (offered in pickers) or <c>hide</c>.</param>
/// <param name="MinimalClientVersion">Hidden from catalogs asked for with an older (non-zero) <c>client_version</c>.</param>
internal sealed record ChatGptModel(
    string Slug,
    string DisplayName,
    string Description,
    int ContextWindow,
    string Visibility,
    int[] MinimalClientVersion,
    IReadOnlyList<string> ReasoningLevels);
