using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Maestro.Bench.Latency;
using Maestro.Bench.Load;

namespace Maestro.Bench.Gateway;

/// <summary>
/// Maestro as a gateway beside the upstream alone and beside the Portkey gateway: the emulator (`maestro emulate`),
/// Maestro (`maestro serve`, embedded PostgreSQL in a throwaway MAESTRO_HOME, an OpenAI auth on the emulator and a gateway
/// key made through the REST API) and Portkey (Node) run as separate processes; the same load generator sends the same
/// streaming chat completions straight to the emulator, through Maestro and through Portkey. Per path: a warm-up, a
/// closed-loop throughput phase (CPU measured from /proc over it), and an open-loop latency phase below saturation, whose
/// first-byte and whole-stream times give the latency each gateway adds to the direct path.
/// </summary>
public sealed class GatewayBenchRunner(GatewayBenchOptions options, TextWriter output, TextWriter progress)
{
    private const string UpstreamKey = "sk-bench-upstream";

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var checkout = MaestroCheckout.Find(options.Checkout);
        await checkout.EnsureBuiltAsync(progress, cancellationToken);
        var (portkey, portkeyProblem) = options.Portkey
            ? await PortkeyGateway.EnsureInstalledAsync(GatewayBenchOptions.PortkeyVersion, progress, cancellationToken)
            : (null, "--no-portkey: skipped.");
        await using var processes = new BenchProcesses(Directory.CreateTempSubdirectory("maestro-gateway-bench-").FullName, options.Keep, progress);
        return await RunAsync(checkout, processes.Home, portkey, portkeyProblem, processes.All, cancellationToken);
    }

    private async Task<int> RunAsync(MaestroCheckout checkout, string home, string? portkeyScript, string? portkeyProblem, List<MaestroProcess> processes, CancellationToken ct)
    {
        var loadBefore = ProcStat.LoadAverage();
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MAESTRO_HOME"] = home,
            ["MAESTRO_ACCESS_TOKEN"] = token,
            // Request logging is per request: at thousands of requests it would only measure the console.
            ["MAESTRO_LOG_LEVEL"] = "Warning",
        };
        using var admin = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var emulatorPort = MaestroProcess.FreePort();
        var emulator = MaestroProcess.Start("emulator", checkout,
            ["emulate", "--port", Invariant(emulatorPort), "--tokens", Invariant(options.Tokens), "--rate", "0"], emulatorPort, environment, home);
        processes.Add(emulator);
        await emulator.WaitReadyAsync(admin, "health", TimeSpan.FromSeconds(120), anyAnswer: true, ct);

        var serverPort = MaestroProcess.FreePort();
        var server = MaestroProcess.Start("maestro", checkout, ["serve", "--port", Invariant(serverPort)], serverPort, environment, home);
        processes.Add(server);
        progress.WriteLine($"Starting Maestro on {server.BaseUrl} …");
        await server.WaitReadyAsync(admin, "health", TimeSpan.FromSeconds(300), anyAnswer: false, ct);
        var upstream = new Uri(emulator.BaseUrl, "openai/v1/");
        await PostAsync(admin, new Uri(server.BaseUrl, "api/auths"),
            new { provider = "openai", name = "bench", api_key = UpstreamKey, base_url = new Uri(emulator.BaseUrl, "openai").AbsoluteUri }, ct);
        var key = (await PostAsync(admin, new Uri(server.BaseUrl, "api/gateway/keys"), new { name = "bench" }, ct)).GetProperty("key").GetString()!;
        await using var database = await DatabaseProbe.ConnectAsync(home, ct);

        var model = "synthetic:" + Invariant(options.Tokens);
        var paths = new List<(LoadPath Path, MaestroProcess Process)>
        {
            (new LoadPath("emulator, direct", new Uri(upstream, "chat/completions"), Bearer(UpstreamKey), model), emulator),
            (new LoadPath("Maestro", new Uri(server.BaseUrl, "v1/chat/completions"), Bearer(key), "openai/bench/" + model), server),
        };
        if (portkeyScript is not null)
        {
            var portkeyPort = MaestroProcess.FreePort();
            var portkey = MaestroProcess.Launch("portkey", "node", [portkeyScript, $"--port={portkeyPort}", "--headless"], portkeyPort,
                new Dictionary<string, string> { ["NODE_ENV"] = "production", ["TRUSTED_CUSTOM_HOSTS"] = "127.0.0.1,localhost" }, home);
            processes.Add(portkey);
            progress.WriteLine($"Starting Portkey {GatewayBenchOptions.PortkeyVersion} on {portkey.BaseUrl} …");
            await portkey.WaitReadyAsync(admin, "", TimeSpan.FromSeconds(120), anyAnswer: true, ct);
            var headers = new Dictionary<string, string>(Bearer(UpstreamKey), StringComparer.Ordinal)
            {
                ["x-portkey-provider"] = "openai",
                ["x-portkey-custom-host"] = upstream.AbsoluteUri.TrimEnd('/'),
            };
            paths.Add((new LoadPath($"Portkey {GatewayBenchOptions.PortkeyVersion}", new Uri(portkey.BaseUrl, "v1/chat/completions"), headers, model), portkey));
        }

        var results = new List<PathResult>();
        foreach (var (path, process) in paths)
        {
            results.Add(await MeasureAsync(path, process, process == server ? database : null, ct));
        }

        Report(results, portkeyProblem, loadBefore, ProcStat.LoadAverage(), checkout);
        return results.Take(2).All(r => r.Throughput.ErrorCount == 0 && r.Latency.ErrorCount == 0) ? 0 : 1;
    }

    private async Task<PathResult> MeasureAsync(LoadPath path, MaestroProcess process, DatabaseProbe? database, CancellationToken ct)
    {
        using var http = StreamingLoad.CreateClient(options.Concurrency * 2);
        progress.WriteLine($"{path.Name}: warming up for {options.Warmup.TotalSeconds:0} s …");
        var warm = await StreamingLoad.ClosedAsync(http, path, options.Concurrency, options.Warmup, ct);
        if (warm.Requests == 0 && warm.ErrorCount > 0)
        {
            progress.WriteLine($"  every warm-up request failed: {warm.Errors.First().Key}");
        }

        progress.WriteLine($"{path.Name}: {options.Concurrency} streams in flight for {options.Duration.TotalSeconds:0} s …");
        var cpu = ProcStat.Cpu(process.Pid);
        var databaseCpu = database?.Cpu ?? TimeSpan.Zero;
        var throughput = await StreamingLoad.ClosedAsync(http, path, options.Concurrency, options.Duration, ct);
        cpu = ProcStat.Cpu(process.Pid) - cpu;
        databaseCpu = (database?.Cpu ?? TimeSpan.Zero) - databaseCpu;

        progress.WriteLine($"{path.Name}: {options.Rate:0.#} requests/s for {options.Duration.TotalSeconds:0} s …");
        var latency = await StreamingLoad.OpenAsync(http, path, options.Rate, options.Duration, ct);
        return new PathResult(path, throughput, latency, cpu, database is null ? null : databaseCpu);
    }

    private void Report(List<PathResult> results, string? portkeyProblem, string loadBefore, string loadAfter, MaestroCheckout checkout)
    {
        var direct = results[0];
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"## bench gateway: streaming /v1/chat/completions, {options.Tokens} text deltas per answer");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Maestro from {checkout.Root}; load average {loadBefore} before, {loadAfter} after; {Environment.ProcessorCount} cores. Throughput: {options.Concurrency} streams in flight for {options.Duration.TotalSeconds:0} s. Latency: {options.Rate:0.#} requests/s for {options.Duration.TotalSeconds:0} s; \"added\" is the path's percentile minus the direct path's. CPU: the path's own process (user + system, /proc) over the throughput phase, per request.");
        report.AppendLine();
        report.AppendLine("| path | requests/s | errors | first byte p50 / p99 | added first byte p50 / p99 | whole stream p50 / p99 | added whole stream p50 / p99 | CPU per request |");
        report.AppendLine("| --- | ---: | ---: | --- | --- | --- | --- | ---: |");
        foreach (var result in results)
        {
            var isDirect = ReferenceEquals(result, direct);
            var first = Percentiles.Of(Or0(result.Latency.FirstByteMs));
            var whole = Percentiles.Of(Or0(result.Latency.TotalMs));
            var directFirst = Percentiles.Of(Or0(direct.Latency.FirstByteMs));
            var directWhole = Percentiles.Of(Or0(direct.Latency.TotalMs));
            var cpu = result.Throughput.Requests == 0 ? "–" : Micro(result.Cpu / result.Throughput.Requests)
                + (result.DatabaseCpu is { } db ? $" (+ database {Micro(db / result.Throughput.Requests)})" : "");
            var measured = result.Latency.Requests > 0;
            var added = !isDirect && measured && direct.Latency.Requests > 0;
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {result.Path.Name} | {result.Throughput.RequestsPerSecond:N0} | {result.Throughput.ErrorCount + result.Latency.ErrorCount:N0} | {(measured ? $"{Ms(first.P50)} / {Ms(first.P99)}" : "–")} | {(added ? $"{Ms(first.P50 - directFirst.P50)} / {Ms(first.P99 - directFirst.P99)}" : "–")} | {(measured ? $"{Ms(whole.P50)} / {Ms(whole.P99)}" : "–")} | {(added ? $"{Ms(whole.P50 - directWhole.P50)} / {Ms(whole.P99 - directWhole.P99)}" : "–")} | {cpu} |");
        }

        if (portkeyProblem is not null)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"Portkey: {portkeyProblem}");
        }

        var maestro = results[1];
        if (results.Count > 2 && results[2] is { } portkey && portkey.Throughput.RequestsPerSecond > 0)
        {
            var ratio = maestro.Throughput.RequestsPerSecond / portkey.Throughput.RequestsPerSecond;
            var maestroP99 = Percentiles.Of(Or0(maestro.Latency.FirstByteMs)).P99;
            var portkeyP99 = Percentiles.Of(Or0(portkey.Latency.FirstByteMs)).P99;
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture,
                $"Maestro / Portkey throughput: {ratio:0.0}× (target ≥ 5×: {(ratio >= 5 ? "met" : "not met")}); first-byte p99 {Ms(maestroP99)} against {Ms(portkeyP99)} ({(maestroP99 < portkeyP99 ? "lower: met" : "not lower: not met")}).");
        }

        foreach (var result in results)
        {
            foreach (var (kind, count) in result.Throughput.Errors.Concat(result.Latency.Errors).GroupBy(e => e.Key).Select(g => (g.Key, g.Sum(e => e.Value))))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"- {result.Path.Name}: {count:N0} × {kind}");
            }
        }

        output.Write(report.ToString());
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, Uri url, object body, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync(url, body, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST {url.AbsolutePath} failed: HTTP {(int)response.StatusCode} {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.Clone();
    }

    private static Dictionary<string, string> Bearer(string key) => new(StringComparer.Ordinal) { ["Authorization"] = "Bearer " + key };

    private static double[] Or0(double[] values) => values.Length == 0 ? [0] : values;

    private static string Ms(double ms) => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms");

    private static string Micro(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalMicroseconds:N0} µs");

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record PathResult(LoadPath Path, LoadSample Throughput, LoadSample Latency, TimeSpan Cpu, TimeSpan? DatabaseCpu);
}
