using Maestro.Emulator.Hosting;

namespace Maestro.Emulator.Anthropic;

/// <summary>
/// The models the emulated Anthropic API lists, newest first (the order of the real <c>GET /v1/models</c>).
/// Requests may name a model by its dated id or by its alias (the id without the date); answers echo the dated id,
/// as the real API does.
/// </summary>
internal sealed class AnthropicModels : IModelCatalog
{
    public static IReadOnlyList<AnthropicModel> All { get; } =
    [
        new("claude-opus-4-5-20251101", "Claude Opus 4.5", new DateTimeOffset(2025, 11, 24, 0, 0, 0, TimeSpan.Zero)),
        new("claude-haiku-4-5-20251001", "Claude Haiku 4.5", new DateTimeOffset(2025, 10, 15, 0, 0, 0, TimeSpan.Zero)),
        new("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", new DateTimeOffset(2025, 9, 29, 0, 0, 0, TimeSpan.Zero)),
        new("claude-opus-4-1-20250805", "Claude Opus 4.1", new DateTimeOffset(2025, 8, 5, 0, 0, 0, TimeSpan.Zero)),
        new("claude-opus-4-20250514", "Claude Opus 4", new DateTimeOffset(2025, 5, 22, 0, 0, 0, TimeSpan.Zero), "claude-opus-4-0"),
        new("claude-sonnet-4-20250514", "Claude Sonnet 4", new DateTimeOffset(2025, 5, 22, 0, 0, 0, TimeSpan.Zero), "claude-sonnet-4-0"),
        new("claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", new DateTimeOffset(2025, 2, 24, 0, 0, 0, TimeSpan.Zero), "claude-3-7-sonnet-latest"),
        new("claude-3-5-haiku-20241022", "Claude Haiku 3.5", new DateTimeOffset(2024, 10, 22, 0, 0, 0, TimeSpan.Zero), "claude-3-5-haiku-latest"),
        new("claude-3-haiku-20240307", "Claude Haiku 3", new DateTimeOffset(2024, 3, 7, 0, 0, 0, TimeSpan.Zero)),
    ];

    public bool TryResolve(string requested, out CatalogModel model)
    {
        foreach (var candidate in All)
        {
            if (candidate.Matches(requested))
            {
                // Every current Claude model can think; whether it does is up to the request.
                model = new CatalogModel(candidate.Id, Thinks: true);
                return true;
            }
        }

        model = default;
        return false;
    }
}

/// <param name="ExtraAlias">An alias other than the id without its date (e.g. <c>claude-sonnet-4-0</c>).</param>
internal sealed record AnthropicModel(string Id, string DisplayName, DateTimeOffset CreatedAt, string? ExtraAlias = null)
{
    /// <summary>The id without its <c>-YYYYMMDD</c> suffix.</summary>
    public string Alias => Id.Length > 9 && Id[^9] == '-' && Id[^8..].All(char.IsAsciiDigit) ? Id[..^9] : Id;

    public bool Matches(string requested) =>
        requested == Id || requested == Alias || (ExtraAlias is not null && requested == ExtraAlias);
}
