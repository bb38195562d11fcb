using System.Text;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.Gemini;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>A non-streaming generateContent body has the shape of one streamed chunk; the recorded chunks serve as bodies.</summary>
public sealed class GeminiResponseReaderTests
{
    private static readonly ProviderRequestContext Context = new("gemini", "gemini/test", "gemini-2.5-flash", new Uri("http://127.0.0.1:9/gemini"));

    [Fact]
    public void A_function_call_body_becomes_one_response()
    {
        var response = Read(LastChunk("function-call-thought-signature-2-5.sse"));

        response.ResponseId.ShouldBe("U7-Fao_EK_-VvdIP1-aJ8Qo");
        response.ModelId.ShouldBe("gemini-2.5-flash");
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.AdditionalProperties!["finish_reason"].ShouldBe("STOP");
        var message = response.Messages.Single();
        message.Role.ShouldBe(ChatRole.Assistant);
        var call = message.Contents.OfType<FunctionCallContent>().Single();
        call.Name.ShouldBe("weather");
        call.AdditionalProperties!["thought_signature"].ShouldNotBeNull();
        response.Usage!.InputTokenCount.ShouldBe(103);
        response.Usage.OutputTokenCount.ShouldBe(30 + 43);
        response.Usage.ReasoningTokenCount.ShouldBe(43);
        response.Usage.TotalTokenCount.ShouldBe(176);
        response.RawRepresentation.ShouldBeOfType<RawProviderEvent>();
    }

    [Fact]
    public void A_text_body_keeps_its_thoughts_and_signature()
    {
        var body = """
            {"candidates": [{"content": {"parts": [{"text": "Let me think.", "thought": true}, {"text": "Four.", "thoughtSignature": "SIG"}], "role": "model"}, "finishReason": "MAX_TOKENS"}],
             "usageMetadata": {"promptTokenCount": 5, "candidatesTokenCount": 2, "thoughtsTokenCount": 3, "cachedContentTokenCount": 4, "totalTokenCount": 10}, "modelVersion": "gemini-2.5-pro", "responseId": "r"}
            """;

        var response = Read(Encoding.UTF8.GetBytes(body));

        response.Text.ShouldBe("Four.");
        response.Messages[0].Contents.OfType<TextReasoningContent>().Select(r => (r.Text, r.ProtectedData)).ShouldBe([("Let me think.", null), ("", "SIG")]);
        response.FinishReason.ShouldBe(ChatFinishReason.Length);
        response.Usage!.CachedInputTokenCount.ShouldBe(4);
        response.ModelId.ShouldBe("gemini-2.5-pro");
    }

    [Fact]
    public void A_blocked_prompt_throws_invalid_request()
    {
        var error = Should.Throw<ProviderException>(() => Read("""{"promptFeedback": {"blockReason": "SAFETY"}}"""u8.ToArray()));

        error.Kind.ShouldBe(ProviderErrorKind.InvalidRequest);
        error.Message.ShouldContain("SAFETY");
    }

    [Fact]
    public void Garbage_throws_a_transport_error()
    {
        Should.Throw<ProviderException>(() => Read("not json"u8.ToArray())).Kind.ShouldBe(ProviderErrorKind.Transport);
    }

    private static ChatResponse Read(byte[] body) => GeminiResponseReader.Read(body, "gemini-2.5-flash", Context, new GeminiErrorMapper());

    private static byte[] LastChunk(string fixture)
    {
        var lines = Encoding.UTF8.GetString(RepoPaths.FixtureBytes("gemini/generate-content/" + fixture)).Split('\n');
        return Encoding.UTF8.GetBytes(lines.Last(l => l.StartsWith("data:", StringComparison.Ordinal))["data:".Length..].TrimEnd('\r'));
    }
}
