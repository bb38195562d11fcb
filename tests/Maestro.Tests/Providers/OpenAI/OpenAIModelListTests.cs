using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.OpenAI;

public sealed class OpenAIModelListTests
{
    [Fact]
    public void Recorded_model_list_reads_every_entry_with_created_and_owner()
    {
        var page = ModelListReader.Read(RepoPaths.FixtureBytes("models/openai-v1-models.json"), OpenAIModelCatalog.Enrich);

        page.Models.Count.ShouldBe(586);
        page.HasMore.ShouldBeFalse();
        var turbo = page.Models.Single(m => m.Id == "gpt-3.5-turbo-16k");
        turbo.OwnedBy.ShouldBe("openai-internal");
        turbo.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1683758102));
        turbo.ContextWindow.ShouldBe(16_385);
        turbo.Capabilities.ShouldBe(["chat", "tools"]);
        page.Models.Single(m => m.Id == "text-embedding-ada-002").Capabilities.ShouldBe(["embeddings"]);
        page.Models.Single(m => m.Id == "whisper-1").Capabilities.ShouldBe(["audio"]);
    }

    [Theory]
    [InlineData("gpt-4o-mini-2024-07-18", 128_000, 16_384, false)]
    [InlineData("gpt-4.1-nano", 1_047_576, 32_768, false)]
    [InlineData("gpt-5-mini-2025-08-07", 400_000, 128_000, true)]
    [InlineData("gpt-5-chat-latest", 128_000, 16_384, false)]
    [InlineData("o3-mini", 200_000, 100_000, true)]
    [InlineData("ft:gpt-4o-mini-2024-07-18:acme::abc", 128_000, 16_384, false)]
    public void Known_families_have_context_windows(string id, int context, int maxOutput, bool reasoning)
    {
        var model = OpenAIModelCatalog.Enrich(new Maestro.Core.Providers.ModelInfo(id));

        model.ContextWindow.ShouldBe(context);
        model.MaxOutputTokens.ShouldBe(maxOutput);
        OpenAIModels.IsReasoning(id).ShouldBe(reasoning);
    }

    [Fact]
    public void Paginated_list_reports_the_next_cursor()
    {
        var page = ModelListReader.Read("""{"object":"list","data":[{"id":"a","object":"model","created":1,"owned_by":"x"},{"id":"b"}],"has_more":true,"last_id":"b"}"""u8);

        page.Models.Select(m => m.Id).ShouldBe(["a", "b"]);
        page.HasMore.ShouldBeTrue();
        page.LastId.ShouldBe("b");
    }

    [Fact]
    public void Compatible_servers_extra_fields_are_kept()
    {
        var page = ModelListReader.Read("""{"data":[{"id":"meta-llama/llama-3.1-8b","name":"Llama 3.1 8B","context_length":131072},{"id":"qwen","max_model_len":32768}]}"""u8);

        page.Models[0].DisplayName.ShouldBe("Llama 3.1 8B");
        page.Models[0].ContextWindow.ShouldBe(131_072);
        page.Models[1].ContextWindow.ShouldBe(32_768);
    }

    [Theory]
    [InlineData("https://api.openai.com", "https://api.openai.com/v1/responses")]
    [InlineData("https://api.openai.com/", "https://api.openai.com/v1/responses")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1/responses")]
    [InlineData("https://api.openai.com/v1/", "https://api.openai.com/v1/responses")]
    [InlineData("http://127.0.0.1:5000/openai", "http://127.0.0.1:5000/openai/v1/responses")]
    public void Base_urls_with_or_without_v1(string baseUrl, string expected) =>
        OpenAIEndpoints.Resolve(new Uri(baseUrl), "responses").ToString().ShouldBe(expected);
}
