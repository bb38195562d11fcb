using Maestro.Core.Models;
using Maestro.Core.Providers;

namespace Maestro.Tests.Models;

/// <summary>Aliases resolve to the newest dated id of the same model, never to another family.</summary>
public sealed class ModelResolutionTests
{
    private static readonly ModelInfo[] Anthropic =
    [
        new("claude-opus-4-5-20251101"),
        new("claude-haiku-4-5-20251001"),
        new("claude-sonnet-4-5-20250929"),
        new("claude-sonnet-4-5-20250901"),
        new("claude-opus-4-1-20250805"),
        new("claude-opus-4-20250514"),
        new("claude-sonnet-4-20250514"),
    ];

    private static readonly ModelInfo[] OpenAI =
    [
        new("gpt-5-mini-2025-08-07"),
        new("gpt-5-mini"),
        new("gpt-5-2025-08-07"),
        new("gpt-4o-2024-05-13"),
        new("gpt-4o-2024-08-06"),
        new("gpt-4.1"),
    ];

    [Theory]
    [InlineData("claude-sonnet-4-5", "claude-sonnet-4-5-20250929")]
    [InlineData("claude-opus-4-5", "claude-opus-4-5-20251101")]
    [InlineData("claude-opus-4-1", "claude-opus-4-1-20250805")]
    [InlineData("claude-opus-4", "claude-opus-4-20250514")]
    [InlineData("claude-opus-4-0", "claude-opus-4-20250514")]
    [InlineData("claude-sonnet-4-5-20250901", "claude-sonnet-4-5-20250901")]
    public void An_anthropic_alias_resolves_to_its_newest_dated_id(string requested, string expected) =>
        ModelResolution.Find(Anthropic, requested)!.Id.ShouldBe(expected);

    [Theory]
    [InlineData("claude-sonnet-4-6")]
    [InlineData("claude-sonnet")]
    [InlineData("claude")]
    [InlineData("claude-opus-4-5-2025")]
    public void Another_family_or_a_partial_id_is_never_a_match(string requested) =>
        ModelResolution.Find(Anthropic, requested).ShouldBeNull();

    [Theory]
    [InlineData("gpt-5", "gpt-5-2025-08-07")]
    [InlineData("gpt-5-mini", "gpt-5-mini")]
    [InlineData("gpt-4o", "gpt-4o-2024-08-06")]
    [InlineData("gpt-4.1-2025-04-14", "gpt-4.1")]
    public void OpenAI_dates_and_listed_aliases_resolve(string requested, string expected) =>
        ModelResolution.Find(OpenAI, requested)!.Id.ShouldBe(expected);

    [Fact]
    public void Gemini_version_suffixes_count_as_snapshots()
    {
        ModelInfo[] gemini = [new("gemini-2.0-flash-001"), new("gemini-2.0-flash-lite-001"), new("gemini-2.5-flash")];
        ModelResolution.Find(gemini, "gemini-2.0-flash")!.Id.ShouldBe("gemini-2.0-flash-001");
        ModelResolution.Find(gemini, "gemini-2.5-flash")!.Id.ShouldBe("gemini-2.5-flash");
        ModelResolution.Find(gemini, "gemini-2.5").ShouldBeNull();
    }

    [Fact]
    public void Close_matches_name_what_the_user_probably_meant()
    {
        ModelResolution.CloseMatches(Anthropic, "claude-sonet-4-5").ShouldContain("claude-sonnet-4-5-20250929");
        ModelResolution.CloseMatches(OpenAI, "gpt-9-turbo").ShouldBeEmpty();
        ModelResolution.CloseMatches(OpenAI, "gpt5-mini").ShouldContain("gpt-5-mini");
    }

    [Theory]
    [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5")]
    [InlineData("gpt-4o-2024-08-06", "gpt-4o")]
    [InlineData("gemini-2.0-flash-001", "gemini-2.0-flash")]
    [InlineData("gpt-5", "gpt-5")]
    [InlineData("o3", "o3")]
    public void The_base_of_a_dated_id_is_its_alias(string id, string alias) => ModelIds.BaseOf(id).ShouldBe(alias);
}
