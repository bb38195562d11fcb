using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAICompatible;

public sealed class ChatCompletionsResponseReaderTests
{
    private static readonly ProviderRequestContext Context = new("ollama", "ollama/local", "llama3.1", new Uri("http://localhost:11434/v1"));

    [Fact]
    public void Completion_with_tool_calls_and_usage()
    {
        var body = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"llama3.1",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","reasoning_content":"Hmm.",
               "tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}}
            """u8.ToArray();

        var response = ChatCompletionsResponseReader.Read(body, Context);

        response.ResponseId.ShouldBe("chatcmpl-1");
        response.ModelId.ShouldBe("llama3.1");
        response.CreatedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1700000000));
        response.FinishReason.ShouldBe(ChatFinishReason.ToolCalls);
        response.Text.ShouldBe("Let me check.");
        var message = response.Messages.Single();
        message.MessageId.ShouldBe("chatcmpl-1");
        message.Contents.OfType<TextReasoningContent>().Single().Text.ShouldBe("Hmm.");
        var call = message.Contents.OfType<FunctionCallContent>().Single();
        call.CallId.ShouldBe("call_1");
        call.Arguments!["city"]!.ToString().ShouldBe("Paris");
        response.Usage!.InputTokenCount.ShouldBe(10);
        response.Usage.CachedInputTokenCount.ShouldBe(4);
        response.Usage.ReasoningTokenCount.ShouldBeNull();
    }

    [Fact]
    public void Completion_without_usage_has_none()
    {
        var response = ChatCompletionsResponseReader.Read(
            """{"id":"c","choices":[{"message":{"role":"assistant","content":"Hi"},"finish_reason":"length"}]}"""u8.ToArray(), Context);

        response.Usage.ShouldBeNull();
        response.FinishReason.ShouldBe(ChatFinishReason.Length);
    }

    [Fact]
    public void Error_body_with_200_throws()
    {
        var error = Should.Throw<ProviderException>(() => ChatCompletionsResponseReader.Read(
            """{"error":{"message":"model 'llama9' not found","code":"model_not_found"}}"""u8.ToArray(), Context));

        error.Kind.ShouldBe(ProviderErrorKind.NotFound);
    }
}
