using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Maestro.Bench.Gateway;

/// <summary>Where the load goes: a chat-completions URL, the headers its clients send, the model it is asked for.</summary>
public sealed record LoadPath(string Name, Uri Url, IReadOnlyDictionary<string, string> Headers, string Model);

/// <summary>What one phase measured: every request's first byte and whole stream, in milliseconds.</summary>
public sealed record LoadSample(int Requests, IReadOnlyDictionary<string, int> Errors, TimeSpan Elapsed, double[] FirstByteMs, double[] TotalMs, long Bytes)
{
    public int ErrorCount => Errors.Values.Sum();

    public double RequestsPerSecond => Requests / Elapsed.TotalSeconds;
}

/// <summary>
/// The same load generator for every path: streaming <c>POST /v1/chat/completions</c> with <c>stream_options.include_usage</c>,
/// each answer read to its <c>data: [DONE]</c>. A closed loop (N streams in flight, each sending its next request when
/// one ends) measures throughput; an open loop (a request every 1/R s, whatever the answers do) measures latency
/// below saturation.
/// </summary>
public static class StreamingLoad
{
    private static readonly byte[] Done = "data: [DONE]"u8.ToArray();

    public static HttpClient CreateClient(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
    })
    { Timeout = TimeSpan.FromMinutes(2) };

    /// <summary>Closed loop: <paramref name="concurrency"/> streams in flight for <paramref name="duration"/>.</summary>
    public static async Task<LoadSample> ClosedAsync(HttpClient http, LoadPath path, int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        var recorder = new Recorder();
        var body = Body(path.Model);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                await OneAsync(http, path, body, recorder, cancellationToken);
            }
        }, cancellationToken)));
        return recorder.Sample(clock.Elapsed);
    }

    /// <summary>Open loop: a request every 1/<paramref name="rate"/> seconds for <paramref name="duration"/>, then the stragglers.</summary>
    public static async Task<LoadSample> OpenAsync(HttpClient http, LoadPath path, double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var recorder = new Recorder();
        var body = Body(path.Model);
        var running = new List<Task>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / rate);
        for (var i = 0; ; i++)
        {
            var due = interval * i;
            if (due >= duration)
            {
                break;
            }

            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            running.Add(Task.Run(() => OneAsync(http, path, body, recorder, cancellationToken), cancellationToken));
        }

        await Task.WhenAll(running);
        return recorder.Sample(clock.Elapsed);
    }

    private static byte[] Body(string model) => Encoding.UTF8.GetBytes(
        $$"""{"model":"{{model}}","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello, how are you?"}]}""");

    private static async Task OneAsync(HttpClient http, LoadPath path, byte[] body, Recorder recorder, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (name, value) in path.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                recorder.Error($"HTTP {(int)response.StatusCode}: {(text.Length > 120 ? text[..120] : text)}");
                return;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[16 * 1024];
            var tail = new byte[64];
            var tailLength = 0;
            long firstByte = 0, bytes = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (firstByte == 0)
                {
                    firstByte = Stopwatch.GetTimestamp();
                }

                bytes += read;
                tailLength = KeepTail(tail, tailLength, buffer.AsSpan(0, read));
            }

            var ended = Stopwatch.GetTimestamp();
            if (tail.AsSpan(0, tailLength).IndexOf(Done) < 0)
            {
                recorder.Error("stream ended without data: [DONE]");
                return;
            }

            recorder.Ok(Stopwatch.GetElapsedTime(started, firstByte).TotalMilliseconds, Stopwatch.GetElapsedTime(started, ended).TotalMilliseconds, bytes);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            recorder.Error(ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>The last bytes seen so far (the stream's end marker may be split over reads).</summary>
    private static int KeepTail(byte[] tail, int length, ReadOnlySpan<byte> read)
    {
        if (read.Length >= tail.Length)
        {
            read[^tail.Length..].CopyTo(tail);
            return tail.Length;
        }

        var keep = Math.Min(length, tail.Length - read.Length);
        tail.AsSpan(length - keep, keep).CopyTo(tail);
        read.CopyTo(tail.AsSpan(keep));
        return keep + read.Length;
    }

    private sealed class Recorder
    {
        private readonly ConcurrentQueue<(double FirstByte, double Total)> _times = new();
        private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);
        private long _bytes;

        public void Ok(double firstByteMs, double totalMs, long bytes)
        {
            _times.Enqueue((firstByteMs, totalMs));
            Interlocked.Add(ref _bytes, bytes);
        }

        public void Error(string kind) => _errors.AddOrUpdate(kind, 1, (_, n) => n + 1);

        public LoadSample Sample(TimeSpan elapsed) => new(
            _times.Count, new Dictionary<string, int>(_errors), elapsed, [.. _times.Select(t => t.FirstByte)], [.. _times.Select(t => t.Total)], Interlocked.Read(ref _bytes));
    }
}
