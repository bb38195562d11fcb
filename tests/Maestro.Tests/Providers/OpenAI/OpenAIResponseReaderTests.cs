using System.Text;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAI;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>Non-streaming responses carry the same contents as the stream: built from the recorded final responses.</summary>
public sealed class OpenAIResponseReaderTests
{
    private static readonly ProviderRequestContext Context = new("openai", "openai/test", "gpt-5", new Uri("https://api.openai.com"));

    public static TheoryData<string> CompletedFixtures =>
        [.. RepoPaths.Fixtures("openai/responses", "*.sse").Where(f => !f.Contains("error-", StringComparison.Ordinal))];

    [Theory]
    [MemberData(nameof(CompletedFixtures))]
    public async Task Final_response_object_matches_the_stream(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var completed = RawSse.Parse(bytes).Single(e => e.Type == "response.completed");
        using var document = JsonDocument.Parse(completed.Data);
        var body = Encoding.UTF8.GetBytes(document.RootElement.GetProperty("response").GetRawText());

        var response = OpenAIResponseReader.Read(body, Context);
        var streamed = await StreamRunner.RunAsync(new OpenAIStreamReader(StreamRunner.Connection(), "gpt-5"), new MemoryStream(bytes));
        var fromStream = streamed.ToChatResponse();

        response.Text.ShouldBe(fromStream.Text);
        response.FinishReason.ShouldBe(fromStream.FinishReason);
        response.Usage!.InputTokenCount.ShouldBe(fromStream.Usage!.InputTokenCount);
        response.Usage.OutputTokenCount.ShouldBe(fromStream.Usage.OutputTokenCount);
        response.ResponseId.ShouldBe(fromStream.ResponseId);
        Calls(response).ShouldBe(Calls(fromStream));
        Protected(response).ShouldBe(Protected(fromStream));
        response.Messages.Select(m => m.MessageId).ShouldBe(fromStream.Messages.Select(m => m.MessageId));
    }

    [Fact]
    public void Error_body_throws_a_typed_error()
    {
        var body = """{"id":"resp_1","status":"failed","error":{"code":"rate_limit_exceeded","message":"Slow down."},"output":[]}"""u8.ToArray();

        var error = Should.Throw<ProviderException>(() => OpenAIResponseReader.Read(body, Context));

        error.Kind.ShouldBe(ProviderErrorKind.RateLimited);
        error.ProviderMessage.ShouldBe("Slow down.");
    }

    [Fact]
    public void Reasoning_summary_and_encrypted_content_are_read()
    {
        var body = """
            {"id":"resp_1","model":"gpt-5","status":"completed","output":[
              {"id":"rs_1","type":"reasoning","summary":[{"type":"summary_text","text":"Think."}],"encrypted_content":"blob"},
              {"id":"msg_1","type":"message","role":"assistant","content":[{"type":"output_text","text":"Done.","annotations":[]}]}],
             "usage":{"input_tokens":1,"output_tokens":2,"total_tokens":3,"output_tokens_details":{"reasoning_tokens":1}}}
            """u8.ToArray();

        var response = OpenAIResponseReader.Read(body, Context);

        response.Messages.Count.ShouldBe(2);
        var reasoning = response.Messages[0].Contents.OfType<TextReasoningContent>().Single();
        reasoning.Text.ShouldBe("Think.");
        reasoning.ProtectedData.ShouldBe("blob");
        reasoning.AdditionalProperties!["item_id"].ShouldBe("rs_1");
        response.Messages[1].MessageId.ShouldBe("msg_1");
        response.Text.ShouldBe("Done.");
        response.Usage!.ReasoningTokenCount.ShouldBe(1);
        response.FinishReason.ShouldBe(ChatFinishReason.Stop);
    }

    private static List<string> Calls(ChatResponse response) =>
        [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()
            .Select(c => $"{c.CallId}|{c.Name}|{JsonSerializer.Serialize(c.Arguments)}|{c.AdditionalProperties?["item_id"]}")];

    // OpenAI re-encrypts reasoning for every event that carries it, so only ids and summaries can be compared.
    private static List<string> Protected(ChatResponse response) =>
        [.. response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>()
            .Where(r => r.ProtectedData is not null).Select(r => $"{r.AdditionalProperties?["item_id"]}|{r.Text}")];
}
