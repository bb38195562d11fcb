using System.Diagnostics;
using System.Globalization;
using Maestro.Bench.Clients;
using Maestro.Bench.Streams;
using Maestro.Emulator;
using Microsoft.Extensions.AI;

namespace Maestro.Bench.Latency;

/// <summary>
/// The first-token latency Maestro adds, against the real emulator on loopback, measured two ways per iteration:
/// <list type="bullet">
/// <item>paired: the same scenario is requested by a plain HttpClient, timed from sending to the response's first body
/// byte, and by Maestro's chat client, timed from the call to its first TextContent (alternating which goes first);
/// the difference of the two. It includes the noise of two separate requests.</item>
/// <item>in-request: within Maestro's own request, a <see cref="FirstByteProbe"/> under its HttpClient marks when the
/// request reached the transport and when the first body byte was there; Maestro's time is the call up to the
/// transport plus the first byte up to the first TextContent. Server and network time are left out exactly.</item>
/// </list>
/// Every response is read to its end, so each client keeps one warm keep-alive connection.
/// </summary>
public sealed class LatencyRunner(int iterations, int warmup, IReadOnlyList<Adapter> adapters, TextWriter output)
{
    public async Task RunAsync()
    {
        await using var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        output.WriteLine($"Emulator on {emulator.BaseUrl}; {iterations} measured iterations after {warmup} warm-up ones per row; times in ms.");
        output.WriteLine();
        output.WriteLine("| adapter | stream | raw first byte p50 / p99 | Maestro first text p50 / p99 | added, paired p50 / p95 / p99 | added, in-request p50 / p95 / p99 |");
        output.WriteLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var adapter in adapters)
        {
            foreach (var model in Models(adapter))
            {
                output.WriteLine(await MeasureAsync(emulator.BaseUrl, adapter, model));
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
        var probe = new FirstByteProbe(new SocketsHttpHandler());
        var maestro = MaestroClients.Create(adapter, probe, emulator);
        var options = MaestroClients.Options(model);
        var buffer = new byte[64 * 1024];

        var rawFirstByte = new double[iterations];
        var maestroFirstText = new double[iterations];
        var inRequest = new double[iterations];
        for (var i = -warmup; i < iterations; i++)
        {
            double raw;
            (double FirstText, double Own) mine;
            if ((i & 1) == 0)
            {
                raw = await RawAsync(rawHttp, emulator, adapter, model, buffer);
                mine = await MaestroAsync(maestro, options, probe);
            }
            else
            {
                mine = await MaestroAsync(maestro, options, probe);
                raw = await RawAsync(rawHttp, emulator, adapter, model, buffer);
            }

            if (i >= 0)
            {
                rawFirstByte[i] = raw;
                maestroFirstText[i] = mine.FirstText;
                inRequest[i] = mine.Own;
            }
        }

        var paired = new double[iterations];
        for (var i = 0; i < iterations; i++)
        {
            paired[i] = maestroFirstText[i] - rawFirstByte[i];
        }

        var rawP = Percentiles.Of(rawFirstByte);
        var mineP = Percentiles.Of(maestroFirstText);
        var pairedP = Percentiles.Of(paired);
        var ownP = Percentiles.Of(inRequest);
        return $"| {adapter} | {model} | {Ms(rawP.P50)} / {Ms(rawP.P99)} | {Ms(mineP.P50)} / {Ms(mineP.P99)} | " +
               $"{Ms(pairedP.P50)} / {Ms(pairedP.P95)} / {Ms(pairedP.P99)} | {Ms(ownP.P50)} / {Ms(ownP.P95)} / {Ms(ownP.P99)} |";
    }

    /// <summary>Time from sending to the first body byte; then the rest is read and dropped.</summary>
    private static async Task<double> RawAsync(HttpClient http, Uri emulator, Adapter adapter, string model, byte[] buffer)
    {
        var start = Stopwatch.GetTimestamp();
        using var request = WireRequests.Create(emulator, adapter, model);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        double firstByte = -1;
        while (await body.ReadAsync(buffer) > 0)
        {
            if (firstByte < 0)
            {
                firstByte = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }
        }

        return firstByte >= 0 ? firstByte : throw new InvalidOperationException($"{adapter} {model}: the raw response had no body.");
    }

    /// <summary>Time from the call to the first TextContent, and Maestro's own share of it (see the class remarks).</summary>
    private static async Task<(double FirstText, double Own)> MaestroAsync(IChatClient client, ChatOptions options, FirstByteProbe probe)
    {
        var start = Stopwatch.GetTimestamp();
        long firstText = 0;
        await foreach (var update in client.GetStreamingResponseAsync(MaestroClients.Prompt, options))
        {
            if (firstText == 0 && HasText(update))
            {
                firstText = Stopwatch.GetTimestamp();
            }
        }

        if (firstText == 0 || probe.FirstByte == 0)
        {
            throw new InvalidOperationException("Maestro yielded no text.");
        }

        var own = Stopwatch.GetElapsedTime(start, probe.SendStarted) + Stopwatch.GetElapsedTime(probe.FirstByte, firstText);
        return (Stopwatch.GetElapsedTime(start, firstText).TotalMilliseconds, own.TotalMilliseconds);
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
