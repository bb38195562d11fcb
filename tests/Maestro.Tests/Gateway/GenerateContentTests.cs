using System.Net;
using System.Text;
using System.Text.Json;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Gateway;

/// <summary>
/// The Gemini endpoints with raw HTTP in Google's documented shape (no official .NET SDK in the mirror):
/// <c>:generateContent</c>, <c>:streamGenerateContent?alt=sse</c> and without <c>alt</c> (one JSON array), to every kind of auth.
/// </summary>
public sealed class GenerateContentTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Hello = """{"contents":[{"role":"user","parts":[{"text":"Say hello"}]}]}""";

    private GatewayTestBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await GatewayTestBed.StartAsync(postgres, "gwgem");

    public async ValueTask DisposeAsync() => await _bed.DisposeAsync();

    public static TheoryData<string, string> Targets => ChatCompletionsSdkTests.Targets;

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Streams_text_and_usage_as_sse_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Hello from the gateway.", Usage = new ScriptedUsage { InputTokens = 12, OutputTokens = 5 } });
        using var http = _bed.Gemini();

        using var response = await http.PostAsync($"/v1beta/models/{auth}/{model}:streamGenerateContent?alt=sse", Json(Hello), TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var chunks = Sse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Text(chunks).ShouldBe("Hello from the gateway.");
        var last = chunks[^1];
        last.GetProperty("candidates")[0].GetProperty("finishReason").GetString().ShouldBe("STOP");
        var usage = chunks.Last(c => c.TryGetProperty("usageMetadata", out _)).GetProperty("usageMetadata");
        usage.GetProperty("promptTokenCount").GetInt32().ShouldBe(12);
        usage.GetProperty("candidatesTokenCount").GetInt32().ShouldBe(5);
        _bed.Generations(auth).Count.ShouldBe(1);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Answers_whole_from_every_kind_of_auth(string auth, string model)
    {
        _bed.Script(auth, new ScriptedResponse { Text = "Whole answer.", Usage = new ScriptedUsage { InputTokens = 7, OutputTokens = 2 } });
        using var http = _bed.Gemini();

        using var response = await http.PostAsync($"/v1beta/models/{auth}/{model}:generateContent", Json(Hello), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        Text([document.RootElement]).ShouldBe("Whole answer.");
        document.RootElement.GetProperty("usageMetadata").GetProperty("totalTokenCount").GetInt32().ShouldBe(9);
    }

    [Fact]
    public async Task Streams_a_json_array_without_alt_sse()
    {
        _bed.Script("anthropic/work", new ScriptedResponse { Text = "Array answer." });
        using var http = _bed.Gemini();

        using var response = await http.PostAsync("/v1beta/models/anthropic/work/claude-haiku-4-5:streamGenerateContent", Json(Hello), TestContext.Current.CancellationToken);

        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        using var document = JsonDocument.Parse(body);
        document.RootElement.ValueKind.ShouldBe(JsonValueKind.Array);
        Text([.. document.RootElement.EnumerateArray()]).ShouldBe("Array answer.");
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The JSON of every data line of an SSE body.</summary>
    public static List<JsonElement> Sse(string body) =>
        [.. body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l[6..].TrimEnd('\r')).RootElement.Clone())];

    /// <summary>The text of the non-thought parts of every chunk, joined.</summary>
    public static string Text(IEnumerable<JsonElement> chunks)
    {
        var text = new StringBuilder();
        foreach (var chunk in chunks)
        {
            if (!chunk.TryGetProperty("candidates", out var candidates))
            {
                continue;
            }

            foreach (var part in candidates[0].GetProperty("content").GetProperty("parts").EnumerateArray())
            {
                if (part.TryGetProperty("text", out var t) && !part.TryGetProperty("thought", out _))
                {
                    text.Append(t.GetString());
                }
            }
        }

        return text.ToString();
    }
}
