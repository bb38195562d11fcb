using System.Collections.Concurrent;
using Maestro.Bench.Clients;
using Maestro.Emulator;

namespace Maestro.Bench.Streams;

/// <summary>
/// The inputs of the parse benchmarks, per adapter: recorded fixtures (the emulator's embedded copies of real provider
/// traffic) and synthetic answers of N text deltas, rendered once by the emulator itself (over loopback, in process)
/// so they are in each provider's exact wire format. Every stream's token count is what Maestro yields as text deltas;
/// the benchmarks check that the official SDK sees the same number before measuring.
/// </summary>
public static class StreamLibrary
{
    /// <summary>The synthetic lengths, in text deltas.</summary>
    public static readonly int[] SyntheticTokens = [1_000, 10_000];

    private static readonly Uri NoNetwork = new("http://127.0.0.1:9");
    private static readonly ConcurrentDictionary<(Adapter, string), BenchStream> Cache = new();

    /// <summary>Recorded streams used per adapter (names under the emulator's Fixtures/providers/&lt;provider&gt;/&lt;endpoint&gt;/).</summary>
    public static IReadOnlyList<string> Fixtures(Adapter adapter) => adapter switch
    {
        Adapter.AnthropicMessages => ["text-basic", "thinking-budget-sonnet-4"],
        Adapter.OpenAIResponses => ["text-after-function-output", "text-logprobs"],
        Adapter.ChatCompletions => ["text-usage", "text-after-tool-gpt-4o-mini"],
        Adapter.Gemini => ["text", "thought-parts-3-flash"],
        _ => throw new ArgumentOutOfRangeException(nameof(adapter), adapter, "unknown adapter"),
    };

    /// <summary>Every stream of an adapter: its fixtures, then the synthetic ones.</summary>
    public static IEnumerable<BenchStream> All(Adapter adapter)
    {
        foreach (var name in Fixtures(adapter))
        {
            yield return Fixture(adapter, name);
        }

        foreach (var tokens in SyntheticTokens)
        {
            yield return Synthetic(adapter, tokens);
        }
    }

    public static BenchStream Fixture(Adapter adapter, string name) =>
        Cache.GetOrAdd((adapter, "fixture " + name), key => Count(key.Item1, key.Item2, ReadFixture(key.Item1, name)));

    public static BenchStream Synthetic(Adapter adapter, int tokens) =>
        Cache.GetOrAdd((adapter, $"synthetic {tokens}"), key => Count(key.Item1, key.Item2, RenderSynthetic(key.Item1, tokens)));

    private static byte[] ReadFixture(Adapter adapter, string name)
    {
        var resource = $"fixtures/{Folder(adapter)}/{name}.sse";
        using var stream = typeof(EmulatorServer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The emulator has no fixture '{resource}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>Asks the emulator for a <c>synthetic:N</c> answer and keeps the response body byte for byte.</summary>
    private static byte[] RenderSynthetic(Adapter adapter, int tokens) => Task.Run(async () =>
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        using var http = new HttpClient();
        using var request = WireRequests.Create(emulator.BaseUrl, adapter, $"synthetic:{tokens}");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }).GetAwaiter().GetResult();

    private static BenchStream Count(Adapter adapter, string name, byte[] bytes)
    {
        var client = MaestroClients.Create(adapter, new ReplayHandler(bytes), NoNetwork);
        var deltas = Task.Run(() => MaestroClients.CountTextDeltasAsync(client, MaestroClients.Options("bench-model"))).GetAwaiter().GetResult();
        return new BenchStream(adapter, name, bytes, deltas);
    }

    private static string Folder(Adapter adapter) => adapter switch
    {
        Adapter.AnthropicMessages => "anthropic/messages",
        Adapter.OpenAIResponses => "openai/responses",
        Adapter.ChatCompletions => "openai/chat-completions",
        Adapter.Gemini => "gemini/generate-content",
        _ => throw new ArgumentOutOfRangeException(nameof(adapter), adapter, "unknown adapter"),
    };
}
