using Maestro.Bench.Clients;
using Maestro.Bench.Streams;

namespace Maestro.Bench;

/// <summary>
/// <c>check</c>: every benchmark stream once through Maestro and the official SDK, printing the text deltas each saw.
/// A quick way to see that both sides parse the inputs before spending minutes on measurements.
/// </summary>
public static class StreamCheck
{
    private static readonly Uri NoNetwork = new("http://127.0.0.1:9");

    public static async Task<int> RunAsync(TextWriter output)
    {
        var failures = 0;
        output.WriteLine("| adapter | stream | bytes | Maestro text deltas | SDK text deltas |");
        output.WriteLine("| --- | --- | --- | --- | --- |");
        foreach (var adapter in Enum.GetValues<Adapter>())
        {
            foreach (var stream in StreamLibrary.All(adapter))
            {
                using var http = new HttpClient(new ReplayHandler(stream.Bytes));
                var sdk = await SdkCountAsync(adapter, http);
                failures += sdk is { } count && count != stream.TextDeltas ? 1 : 0;
                output.WriteLine($"| {adapter} | {stream.Name} | {stream.Bytes.Length:N0} | {stream.TextDeltas:N0} | {(sdk is null ? "no SDK" : sdk.Value.ToString("N0"))} |");
            }
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<int?> SdkCountAsync(Adapter adapter, HttpClient http)
    {
        switch (adapter)
        {
            case Adapter.AnthropicMessages:
                using (var sdk = new AnthropicSdk(http, NoNetwork))
                {
                    return await sdk.CountTextDeltasAsync("bench-model");
                }

            case Adapter.OpenAIResponses:
                return await new OpenAIResponsesSdk(http, NoNetwork).CountTextDeltasAsync("bench-model");
            case Adapter.ChatCompletions:
                return await new OpenAIChatSdk(http, NoNetwork, "bench-model").CountTextDeltasAsync();
            default:
                return null;
        }
    }
}
