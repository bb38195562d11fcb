using System.Diagnostics;
using System.Globalization;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;
using Maestro.Emulator;
using Microsoft.Extensions.AI;

namespace Maestro.Bench.Latency;

/// <summary>
/// The first-token latency Maestro adds, against the real emulator on loopback. Per iteration, the same scenario is
/// requested twice, in alternating order: by a plain HttpClient that times the response's first body byte (and the
/// arrival of the first text-delta event's bytes), and by Maestro's chat client, timed to its first TextContent. Each
/// response is read to its end so both clients keep one warm keep-alive connection. Reports p50/p95/p99 of the
/// per-iteration differences.
/// </summary>
public sealed class LatencyRunner(int iterations, int warmup, IReadOnlyList<Adapter> adapters, TextWriter output)
{
    public async Task RunAsync()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        output.WriteLine($"Emulator on {emulator.BaseUrl}; {iterations} measured iterations after {warmup} warm-up ones per row; times in ms.");
        output.WriteLine();
        output.WriteLine("| adapter | stream | raw first byte p50 / p99 | Maestro first text p50 / p99 | added over first byte p50 / p95 / p99 | added over raw first text event p50 / p95 / p99 |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var adapter in adapters)
        {
            foreach (var model in Models(adapter))
            {
                var row = await MeasureAsync(emulator.BaseUrl, adapter, model);
                output.WriteLine(row);
            }
        }
    }

    /// <summary>A recorded fixture replayed by the emulator, and a synthetic answer.</summary>
    private static IEnumerable<string> Models(Adapter adapter)
    {
        yield return "fixture:" + StreamLibrary.Fixtures(adapter)[0];
        yield return "synthetic:200";
    }

    private async Task<string> MeasureAsync(Uri emulator, Adapter adapter, string model)
    {
        using var rawHttp = new HttpClient(new SocketsHttpHandler());
        using var maestroHttp = new HttpClient(new SocketsHttpHandler());
        var maestro = MaestroClients.Create(adapter, maestroHttp, emulator);
        var options = MaestroClients.Options(model);
        var buffer = new byte[64 * 1024];

        var rawFirstByte = new double[iterations];
        var rawFirstText = new double[iterations];
        var maestroFirstText = new double[iterations];
        for (var i = -warmup; i < iterations; i++)
        {
            double rawByte, rawText, first;
            if ((i & 1) == 0)
            {
                (rawByte, rawText) = await RawAsync(rawHttp, emulator, adapter, model, buffer);
                first = await MaestroAsync(maestro, options);
            }
            else
            {
                first = await MaestroAsync(maestro, options);
                (rawByte, rawText) = await RawAsync(rawHttp, emulator, adapter, model, buffer);
            }

            if (i >= 0)
            {
                rawFirstByte[i] = rawByte;
                rawFirstText[i] = rawText;
                maestroFirstText[i] = first;
            }
        }

        var added = new double[iterations];
        var addedOverText = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            added[i] = maestroFirstText[i] - rawFirstByte[i];
            addedOverText[i] = maestroFirstText[i] - rawFirstText[i];
        }

        var raw = Percentiles.Of(rawFirstByte);
        var mine = Percentiles.Of(maestroFirstText);
        var delta = Percentiles.Of(added);
        var deltaText = Percentiles.Of(addedOverText);
        return $"| {adapter} | {model} | {Ms(raw.P50)} / {Ms(raw.P99)} | {Ms(mine.P50)} / {Ms(mine.P99)} | " +
               $"{Ms(delta.P50)} / {Ms(delta.P95)} / {Ms(delta.P99)} | {Ms(deltaText.P50)} / {Ms(deltaText.P95)} / {Ms(deltaText.P99)} |";
    }

    /// <summary>Time to the first body byte, and to the bytes of the first text event; then reads to the end.</summary>
    private static async Task<(double FirstByte, double FirstText)> RawAsync(HttpClient http, Uri emulator, Adapter adapter, string model, byte[] buffer)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = WireRequests.Create(emulator, adapter, model);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        double firstByte = -1, firstText = -1;
        var filled = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(filled))) > 0)
        {
            var now = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            if (firstByte < 0)
            {
                firstByte = now;
            }

            filled += read;
            if (firstText < 0 && TextMarkers.ContainsText(adapter, buffer.AsSpan(0, filled)))
            {
                firstText = now;
            }

            if (firstText >= 0 || filled == buffer.Length)
            {
                // Only the first text event matters: the rest is read and dropped.
                filled = 0;
            }
        }

        if (firstText < 0)
        {
            throw new InvalidOperationException($"{adapter} {model}: the raw stream carried no text delta.");
        }

        return (firstByte, firstText);
    }

    private static async Task<double> MaestroAsync(IChatClient client, ChatOptions options)
    {
        var start = Stopwatch.GetTimestamp();
        double first = -1;
        await foreach (var update in client.GetStreamingResponseAsync(MaestroClients.Prompt, options))
        {
            if (first < 0 && HasText(update))
            {
                first = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        return first >= 0 ? first : throw new InvalidOperationException("Maestro yielded no text.");
    }

    private static bool HasText(ChatResponseUpdate update)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 }:
                    return true;
                case ErrorContent error:
                    throw new InvalidOperationException($"Maestro reported a stream error: {error.Message}");
            }
        }

        return false;
    }

    private static string Ms(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
