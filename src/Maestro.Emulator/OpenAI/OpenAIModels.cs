using Maestro.Emulator.Hosting;

namespace Maestro.Emulator.OpenAI;

/// <summary>
/// The models the emulated OpenAI API lists: each alias and its dated snapshot, as the real list does. Answers echo
/// the snapshot (a request for <c>gpt-5</c> is answered by <c>gpt-5-2025-08-07</c>).
/// </summary>
internal sealed class OpenAIModels : IModelCatalog
{
    public static IReadOnlyList<OpenAIModel> All { get; } =
    [
        new("gpt-5", "gpt-5-2025-08-07", 1754425777, Thinks: true),
        new("gpt-5-mini", "gpt-5-mini-2025-08-07", 1754425867, Thinks: true),
        new("gpt-5-nano", "gpt-5-nano-2025-08-07", 1754426303, Thinks: true),
        new("gpt-4.1", "gpt-4.1-2025-04-14", 1744316542, Thinks: false),
        new("gpt-4.1-mini", "gpt-4.1-mini-2025-04-14", 1744318173, Thinks: false),
        new("gpt-4o", "gpt-4o-2024-08-06", 1722814719, Thinks: false),
        new("gpt-4o-mini", "gpt-4o-mini-2024-07-18", 1721172741, Thinks: false),
        new("o3", "o3-2025-04-16", 1744133301, Thinks: true),
        new("o4-mini", "o4-mini-2025-04-16", 1744225308, Thinks: true),
    ];

    public bool TryResolve(string requested, out CatalogModel model)
    {
        foreach (var candidate in All)
        {
            if (requested == candidate.Alias || requested == candidate.Snapshot)
            {
                model = new CatalogModel(candidate.Snapshot, candidate.Thinks);
                return true;
            }
        }

        model = default;
        return false;
    }
}

/// <param name="Created">Unix seconds, as the list reports it.</param>
/// <param name="Thinks">A reasoning model: Responses answers carry a reasoning item.</param>
internal sealed record OpenAIModel(string Alias, string Snapshot, long Created, bool Thinks);
