using Maestro.Core.Providers;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.Gemini;

public sealed class GeminiModelCatalogTests
{
    [Fact]
    public void The_recorded_page_lists_only_chat_models_without_the_models_prefix()
    {
        var models = new List<ModelInfo>();

        var next = GeminiModelCatalog.ReadPage(RepoPaths.FixtureBytes("models/gemini-v1beta-models.page1.json"), models);

        next.ShouldBe("Ch9tb2RlbHMvdmVvLTMuMS1nZW5lcmF0ZS1wcmV2aWV3");
        var flash = models.Single(m => m.Id == "gemini-2.5-flash");
        flash.DisplayName.ShouldBe("Gemini 2.5 Flash");
        flash.ContextWindow.ShouldBe(1048576);
        flash.MaxOutputTokens.ShouldBe(65536);
        flash.Capabilities!.ShouldContain("thinking");
        models.ShouldContain(m => m.Id == "gemini-2.0-flash" && m.MaxOutputTokens == 8192);
        models.ShouldAllBe(m => !m.Id.StartsWith("models/", StringComparison.Ordinal));
        // Embeddings, Imagen, Veo and AQA do not generate content.
        models.ShouldNotContain(m => m.Id.Contains("embedding", StringComparison.Ordinal));
        models.ShouldNotContain(m => m.Id.StartsWith("imagen", StringComparison.Ordinal) || m.Id.StartsWith("veo", StringComparison.Ordinal) || m.Id == "aqa");
        models.Count.ShouldBe(42);
    }
}
