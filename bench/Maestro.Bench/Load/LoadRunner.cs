using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Maestro.Bench.Latency;
using Maestro.Bench.Streams;

namespace Maestro.Bench.Load;

/// <summary>
/// Many agents at once, end to end: the emulator (`maestro emulate`) and one or two real servers (`maestro serve`, the
/// embedded PostgreSQL in a throwaway MAESTRO_HOME) as separate processes; N sessions created over REST; a viewer per
/// session on its event stream; every turn started at the same moment; then the figures: turns completed and errors
/// by kind, first text next to the emulator's own first byte, start and create latencies, CPU per streamed token of the
/// server next to the emulator's (same run, from /proc), peak memory and peak database connections.
/// </summary>
public sealed class LoadRunner(LoadOptions options, TextWriter output, TextWriter progress)
{
    private const string Prompt = "Hello";
    private static readonly byte[] TurnBody = Encoding.UTF8.GetBytes($$"""{"text":"{{Prompt}}"}""");
    private ErrorTally _errors = new();
    private ToolRounds _tools = null!;
    private PromptStack _prompts = null!;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var checkout = MaestroCheckout.Find(options.Checkout);
        await checkout.EnsureBuiltAsync(progress, cancellationToken);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        using var http = CreateClient(token);
        await using var processes = new BenchProcesses(Directory.CreateTempSubdirectory("maestro-load-").FullName, options.Keep, progress);
        return await RunAsync(checkout, processes.Home, token, http, processes.All, cancellationToken);
    }

    private async Task<int> RunAsync(MaestroCheckout checkout, string home, string token, HttpClient http, List<MaestroProcess> processes, CancellationToken ct)
    {
        var loadBefore = ProcStat.LoadAverage();
        _tools = new ToolRounds(options, home);
        _tools.PrepareFolder();
        _prompts = new PromptStack(options);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["MAESTRO_HOME"] = home,
            ["MAESTRO_ACCESS_TOKEN"] = token,
            // Request logging is per request, not per token; at thousands of requests it would only measure the console.
            ["MAESTRO_LOG_LEVEL"] = "Warning",
        };
        if (options.NoFsync)
        {
            environment["MAESTRO_PG_NO_FSYNC"] = "1";
        }

        var emulatorPort = MaestroProcess.FreePort();
        var emulator = MaestroProcess.Start("emulator", checkout,
            ["emulate", "--port", Invariant(emulatorPort), "--tokens", Invariant(options.Tokens), "--rate", Invariant(options.Rate), .. (options.Http2 ? ["--http2"] : Array.Empty<string>())],
            emulatorPort, environment, home);
        processes.Add(emulator);
        await emulator.WaitReadyAsync(http, "health", TimeSpan.FromSeconds(120), anyAnswer: true, ct, http2: options.Http2);

        var serverEnvironment = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        if (options.Http2)
        {
            serverEnvironment["MAESTRO_PROVIDER_HTTP_VERSION"] = "2";
        }

        foreach (var (key, value) in options.ServerEnvironment)
        {
            serverEnvironment[key] = value;
        }

        var servers = new List<MaestroProcess>();
        for (var i = 0; i < options.Instances; i++)
        {
            var port = MaestroProcess.FreePort();
            var server = MaestroProcess.Start($"server{i + 1}", checkout, ["serve", "--port", Invariant(port)], port, serverEnvironment, home);
            processes.Add(server);
            servers.Add(server);
            // One after the other: the first creates the database and applies the migrations.
            progress.WriteLine($"Starting {server.Name} on {server.BaseUrl} …");
            await server.WaitReadyAsync(http, "health", TimeSpan.FromSeconds(300), anyAnswer: false, ct);
        }

        await using var database = await DatabaseProbe.ConnectAsync(home, ct);
        await using var sampler = new ProcessSampler([.. servers.Select(s => s.Pid), emulator.Pid]);
        await CreateAuthAsync(http, servers[0].BaseUrl, new Uri(emulator.BaseUrl, options.Provider), ct);
        await _prompts.CreateAsync(http, servers[0].BaseUrl, ct);

        progress.WriteLine($"Creating {options.Sessions} sessions ({options.InFlight} in flight) …");
        await using var requestTimes = new ServerRequestTimes(options.ServerTimes ? servers.Select(s => s.Pid) : [], ClassifyRequest, progress);
        await WarmUpAsync(http, servers, emulator.BaseUrl, ct);
        requestTimes.Clear();
        // What each create costs the server, PostgreSQL and this process: at N in flight, their sum sets the latency.
        var createCpuBefore = CreateCpu(servers, database);
        var createClock = Stopwatch.StartNew();
        var (sessions, createMs) = await CreateSessionsAsync(http, servers, options.Sessions, "load", options.EffectiveModel, ct);
        var createdIn = createClock.Elapsed;
        var createCpu = CreateCpu(servers, database).PerItemSince(createCpuBefore, Math.Max(1, sessions.Count));

        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        progress.WriteLine($"Opening {sessions.Count * options.ViewersPerSession} viewers …");
        var viewerTasks = await OpenViewersAsync(http, sessions, servers, run.Token);
        // The creates and the viewers just opened ran their code a thousand times: the runtime compiles it again (tiered
        // JIT) over the next seconds, which would land in the start storm and the measured CPU. A server that has been up
        // for a while has done that long ago.
        await SettleAsync(servers, "the viewers opened", ct);

        var cpuBefore = servers.Select(s => ProcStat.Cpu(s.Pid)).ToArray();
        var emulatorCpuBefore = ProcStat.Cpu(emulator.Pid);
        var databaseCpuBefore = database.Cpu;
        database.ResetWindow();
        var toolCalls = _tools.Enabled ? await _tools.ScriptAsync(http, emulator.BaseUrl, sessions.Count, ct) : 0;
        progress.WriteLine($"Starting {sessions.Count} turns ({(options.StartInFlight == 0 ? "all at once" : $"{options.StartInFlight} in flight")}) …");
        var clock = Stopwatch.StartNew();
        var probes = ProbeEmulatorAsync(emulator.BaseUrl, ct);
        await StartTurnsAsync(http, sessions, ct);
        var startedIn = clock.Elapsed;

        var started = sessions.Where(s => s.StartError is null).ToList();
        var finished = Task.WhenAll(started.SelectMany(s => s.Viewers).Select(v => v.Finished));
        var timedOut = await Task.WhenAny(finished, Task.Delay(options.TurnTimeout, ct)) != finished;
        var turnsTook = clock.Elapsed;
        var cpuAfter = servers.Select(s => ProcStat.Cpu(s.Pid)).ToArray();
        var emulatorCpuAfter = ProcStat.Cpu(emulator.Pid);
        var databaseCpuAfter = database.Cpu;
        var windowConnections = database.WindowPeak;
        var loadAfter = ProcStat.LoadAverage();
        await run.CancelAsync();
        await Task.WhenAll(viewerTasks).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var emulatorFirstByte = await probes;
        var toolCallsLeft = _tools.Enabled ? await ToolRounds.PendingAsync(http, emulator.BaseUrl, ct) : 0;

        // Outcomes, checked against the answer as stored.
        var reference = await ReferenceAnswerAsync(http, started, ct);
        var completed = 0;
        var exact = 0;
        long tokens = 0;
        var firstText = new List<double>();
        var afterAnswer = new List<double>();
        foreach (var session in started)
        {
            // A synthetic answer quotes the last tool result, which may name its call: after tool rounds every answer
            // is checked against its own session's.
            var expected = _tools.Enabled && session.Viewers[0].TurnStatus == "completed" ? await StoredAnswerAsync(http, session, ct) : reference;
            var first = session.Viewers[0];
            tokens += first.OutputTokens > 0 ? first.OutputTokens : first.TextEvents;
            if (first.TurnStatus == "completed")
            {
                completed++;
            }
            else if (first.TurnStatus is { } status)
            {
                _errors.Add($"turn {status}: {Short(first.TurnError)}");
            }

            foreach (var viewer in session.Viewers)
            {
                if (viewer.FirstTextTimestamp != 0)
                {
                    firstText.Add(Stopwatch.GetElapsedTime(session.StartSent, viewer.FirstTextTimestamp).TotalMilliseconds);
                    // Negative when the text reached the viewer before the 202 reached the client.
                    afterAnswer.Add((viewer.FirstTextTimestamp - session.StartAnswered) * 1000.0 / Stopwatch.Frequency);
                }

                var problem = viewer.Problem
                    ?? (viewer.TurnStatus is null ? $"viewer: no turn_finished within {options.TurnTimeout.TotalSeconds:0} s" : null)
                    ?? (viewer.TurnStatus == "completed" && expected is { } r && (viewer.Chars != r.Chars || viewer.Hash != r.Hash)
                        ? "viewer: text differs from the stored answer"
                        : null);
                if (problem is null)
                {
                    exact += viewer.TurnStatus == "completed" ? 1 : 0;
                }
                else
                {
                    _errors.Add(problem);
                }
            }
        }

        var orphans = await CountOrphansAsync(http, sessions.Where(s => s.StartError is not null), ct);
        var patience = TimeSpan.FromSeconds(10);
        var serverCreateMs = await requestTimes.TakeAsync(CreateRequest, sessions.Count, patience, ct);
        var serverStartMs = await requestTimes.TakeAsync(StartRequest, sessions.Count + sessions.Sum(s => s.Refusals), patience, ct);
        var viewers = started.Sum(s => s.Viewers.Count);
        var report = new StringBuilder();
        var model = options.EffectiveModel;
        report.AppendLine(CultureInfo.InvariantCulture, $"## bench load: {options.Sessions:N0} sessions × {options.ViewersPerSession} viewer(s), {model} ({options.Provider}), {options.Instances} instance(s){(_prompts.Enabled ? $", {options.Prompts} prompts per session" : "")}");
        report.AppendLine();
        var pause = options.PauseAfterWarmup > TimeSpan.Zero ? $", then {options.PauseAfterWarmup.TotalSeconds:0} s quiet" : "";
        report.AppendLine(CultureInfo.InvariantCulture, $"Maestro from {checkout.Root}; warm-up {options.Warmup:N0} turns twice{pause}; load average {loadBefore} before, {loadAfter} after; {Environment.ProcessorCount} cores.");
        report.AppendLine();
        report.AppendLine("| figure | value |");
        report.AppendLine("| --- | --- |");
        Row(report, "turns completed", $"{completed:N0} / {options.Sessions:N0}{(timedOut ? " (timed out waiting)" : "")}");
        Row(report, "errors", _errors.Total.ToString("N0", CultureInfo.InvariantCulture));
        foreach (var (kind, count) in _errors.ByCount())
        {
            Row(report, $"· {kind}", count.ToString("N0", CultureInfo.InvariantCulture));
        }

        Row(report, "viewers with every token once, in order", $"{exact:N0} / {viewers:N0}");
        Row(report, "orphaned user messages (turn refused or failed to start)", orphans.ToString("N0", CultureInfo.InvariantCulture));
        Row(report, "turn starts refused with 429 (retried after Retry-After)", sessions.Sum(s => s.Refusals).ToString("N0", CultureInfo.InvariantCulture));
        Row(report, "first text p50 / p99 (from the start request)", Pair(firstText));
        Row(report, "· after the start's answer (the turn's set-up, provider request and first read)", Pair(afterAnswer));
        Row(report, $"emulator's own first byte p50 / p99 ({emulatorFirstByte.Count} direct requests in the same storm)", Pair(emulatorFirstByte));
        Row(report, "turn start p50 / p99", Pair([.. started.Select(s => s.StartMs)]));
        if (requestTimes.Recording)
        {
            Row(report, $"· the server's own time p50 / p99 (Kestrel, {serverStartMs.Length:N0} requests)", Pair(serverStartMs));
        }

        Row(report, $"session create p50 / p99 ({options.InFlight} in flight)", Pair(createMs));
        if (requestTimes.Recording)
        {
            Row(report, $"· the server's own time p50 / p99 (Kestrel, {serverCreateMs.Length:N0} requests)", Pair(serverCreateMs));
        }

        Row(report, "CPU per session create: server / database / this bench", string.Create(CultureInfo.InvariantCulture, $"{createCpu.Server:0} µs / {createCpu.Database:0} µs / {createCpu.Bench:0} µs"));
        Row(report, "session creates per second (in flight ÷ rate = their mean latency)", Throughput(sessions.Count, createdIn, options.InFlight));
        if (options.StartInFlight > 0)
        {
            Row(report, "turn starts per second, with the turns they start (in flight ÷ rate = their mean latency)", Throughput(started.Count, startedIn, options.StartInFlight));
        }
        Row(report, "all turns started in / finished in", $"{startedIn.TotalSeconds:0.00} s / {turnsTook.TotalSeconds:0.00} s");
        var serverCpu = cpuAfter.Zip(cpuBefore, (a, b) => a - b).Aggregate(TimeSpan.Zero, (a, b) => a + b);
        var emulatorCpu = emulatorCpuAfter - emulatorCpuBefore;
        if (_tools.Enabled)
        {
            var rounds = toolCalls - toolCallsLeft;
            Row(report, $"tool rounds ({_tools.Describe}) run / scripted", string.Create(CultureInfo.InvariantCulture, $"{rounds:N0} / {toolCalls:N0} ({rounds / (double)Math.Max(1, started.Count):0.0} per turn)"));
        }

        if (_tools.Enabled || _prompts.Enabled)
        {
            Row(report, "CPU per turn: server / database", string.Create(CultureInfo.InvariantCulture,
                $"{serverCpu.TotalMilliseconds / Math.Max(1, started.Count):0.00} ms / {(databaseCpuAfter - databaseCpuBefore).TotalMilliseconds / Math.Max(1, started.Count):0.00} ms"));
        }

        Row(report, "tokens streamed", tokens.ToString("N0", CultureInfo.InvariantCulture));
        Row(report, "server CPU per token", PerToken(serverCpu, tokens));
        Row(report, "emulator CPU per token", PerToken(emulatorCpu, tokens));
        Row(report, "ratio (server / emulator)", emulatorCpu > TimeSpan.Zero ? (serverCpu / emulatorCpu).ToString("0.00", CultureInfo.InvariantCulture) : "–");
        Row(report, "database CPU per token", PerToken(databaseCpuAfter - databaseCpuBefore, tokens));
        foreach (var server in servers)
        {
            Row(report, $"{server.Name}: peak RSS / peak open files", $"{sampler.PeakRss(server.Pid) / 1048576.0:N0} MB / {sampler.PeakOpenFiles(server.Pid):N0}");
        }

        Row(report, "emulator: peak RSS / peak open files", $"{sampler.PeakRss(emulator.Pid) / 1048576.0:N0} MB / {sampler.PeakOpenFiles(emulator.Pid):N0}");
        Row(report, "peak database connections (during the turns / whole run)", $"{windowConnections} / {database.Peak}");
        output.Write(report.ToString());
        output.WriteLine();
        // One line for the tables in bench/README.md.
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {options.Sessions:N0} | {completed:N0} | {_errors.Total:N0} | {Pair(firstText)} | {Pair(emulatorFirstByte)} | {Pair([.. started.Select(s => s.StartMs)])} | {Pair(createMs)} | {PerTokenShort(serverCpu, tokens)} | {PerTokenShort(emulatorCpu, tokens)} | {(emulatorCpu > TimeSpan.Zero ? (serverCpu / emulatorCpu).ToString("0.00", CultureInfo.InvariantCulture) : "–")} | {servers.Max(s => sampler.PeakRss(s.Pid)) / 1048576.0:N0} MB | {windowConnections} |"));
        return _errors.Total == 0 && completed == options.Sessions ? 0 : 1;
    }

    private const string CreateRequest = "create";
    private const string StartRequest = "start";

    /// <summary>Which of the servers' requests <see cref="ServerRequestTimes"/> keeps: session creates and turn starts.</summary>
    private static string? ClassifyRequest(string method, string path) =>
        method != "POST" ? null
        : path == "/api/sessions" ? CreateRequest
        : path.StartsWith("/api/sessions/", StringComparison.Ordinal) && path.EndsWith("/turns", StringComparison.Ordinal) ? StartRequest
        : null;

    private static HttpClient CreateClient(string token)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = int.MaxValue,
        };
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        // Harmless where the server has no access token yet; required where it has.
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    private async Task CreateAuthAsync(HttpClient http, Uri server, Uri providerUrl, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["provider"] = options.Provider,
            ["name"] = "load",
            ["api_key"] = ToolRounds.ApiKey,
            ["base_url"] = providerUrl.AbsoluteUri.TrimEnd('/'),
        });
        using var response = await http.PostAsync(new Uri(server, "api/auths"), Json(body), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the auth failed: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    /// <summary>
    /// Turns of the measured answer first, so the measured run sees warm processes (JIT, connection pools), as a server
    /// that has been up for a while is. They stream the same answer at the same pace as the measured turns: short
    /// answers as fast as possible left the paced reads, the viewers' paced flushes, the heartbeats and the periodic
    /// saves cold, and the runtime then spent about a tenth of the measured run compiling them.
    /// </summary>
    private async Task WarmUpAsync(HttpClient http, List<MaestroProcess> servers, Uri emulator, CancellationToken ct)
    {
        if (options.Warmup == 0)
        {
            return;
        }

        var measured = _errors;
        _errors = new ErrorTally();
        progress.WriteLine($"Warming up with {options.Warmup} turns of {options.EffectiveModel}, twice …");
        var (sessions, _) = await CreateSessionsAsync(http, servers, options.Warmup, "warm", options.EffectiveModel, ct);
        for (var wave = 0; wave < 2; wave++)
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
            foreach (var session in sessions)
            {
                session.Viewers.Clear();
                session.StartError = null;
            }

            var viewers = await OpenViewersAsync(http, sessions, servers, run.Token);
            if (_tools.Enabled)
            {
                await _tools.ScriptAsync(http, emulator, sessions.Count, ct);
            }

            await StartTurnsAsync(http, sessions, ct);
            await Task.WhenAll(sessions.Where(s => s.StartError is null).SelectMany(s => s.Viewers).Select(v => v.Finished)).WaitAsync(TimeSpan.FromMinutes(3), ct);
            await run.CancelAsync();
            await Task.WhenAll(viewers).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var (kind, count) in _errors.ByCount())
        {
            progress.WriteLine($"  warm-up error ×{count}: {kind}");
        }

        _errors = measured;
        if (options.PauseAfterWarmup > TimeSpan.Zero)
        {
            progress.WriteLine($"Pausing {options.PauseAfterWarmup.TotalSeconds:0} s after the warm-up …");
            await Task.Delay(options.PauseAfterWarmup, ct);
        }

        await SettleAsync(servers, "the warm-up", ct);
    }

    /// <summary>
    /// The runtime keeps compiling hot methods again in the background (tiered JIT) for a while after they warm up: the
    /// CPU is measured once the servers are quiet (under 3% of a core over two seconds, or after a minute).
    /// </summary>
    private async Task SettleAsync(List<MaestroProcess> servers, string after, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var before = servers.Sum(s => ProcStat.Cpu(s.Pid).TotalMilliseconds);
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var now = servers.Sum(s => ProcStat.Cpu(s.Pid).TotalMilliseconds);
            if (now - before < 60 * servers.Count)
            {
                break;
            }

            before = now;
        }

        progress.WriteLine($"Servers quiet {clock.Elapsed.TotalSeconds:0} s after {after}.");
    }

    private async Task<(List<LoadSession> Sessions, double[] Milliseconds)> CreateSessionsAsync(
        HttpClient http, List<MaestroProcess> servers, int count, string prefix, string model, CancellationToken ct)
    {
        var created = new LoadSession?[count];
        var times = new double[count];
        using var gate = new SemaphoreSlim(options.InFlight);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var name = $"{prefix}-{i:D5}";
                var body = $$"""{"name":"{{name}}","auth":"{{options.Provider}}/load","model":"{{model}}","force_model":true{{_tools.SessionFields}}{{_prompts.SessionFields}}}""";
                var server = servers[i % servers.Count];
                var start = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(new Uri(server.BaseUrl, "api/sessions"), Json(body), ct);
                times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (response.IsSuccessStatusCode)
                {
                    created[i] = new LoadSession(i, name, server.BaseUrl);
                }
                else
                {
                    _errors.Add($"session create: {await DescribeAsync(response, ct)}");
                }
            }
            catch (HttpRequestException ex)
            {
                _errors.Add($"session create: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));
        return ([.. created.OfType<LoadSession>()], times);
    }

    /// <summary>Opens every viewer (a few hundred connecting at a time) and waits until each is subscribed.</summary>
    private async Task<List<Task>> OpenViewersAsync(HttpClient http, List<LoadSession> sessions, List<MaestroProcess> servers, CancellationToken ct)
    {
        var tasks = new List<Task>();
        using var gate = new SemaphoreSlim(200);
        var opening = new List<Task>();
        foreach (var session in sessions)
        {
            for (var v = 0; v < options.ViewersPerSession; v++)
            {
                // With two instances, viewers watch from the instance that does not run the turn.
                var server = servers.Count == 1 ? servers[0] : servers[(session.Index + 1) % servers.Count];
                var viewer = new LoadViewer(session, server.BaseUrl);
                session.Viewers.Add(viewer);
                await gate.WaitAsync(ct);
                tasks.Add(Task.Run(() => viewer.RunAsync(http, ct), CancellationToken.None));
                opening.Add(viewer.Ready.ContinueWith(_ => gate.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default));
            }
        }

        await Task.WhenAll(opening).WaitAsync(TimeSpan.FromMinutes(5), ct);
        return tasks;
    }

    private async Task StartTurnsAsync(HttpClient http, List<LoadSession> sessions, CancellationToken ct)
    {
        using var gate = options.StartInFlight > 0 ? new SemaphoreSlim(options.StartInFlight) : null;
        await Task.WhenAll(sessions.Select(session => Task.Run(async () =>
        {
            if (gate is not null)
            {
                await gate.WaitAsync(ct);
            }

            try
            {
                await StartTurnAsync(http, session, ct);
            }
            finally
            {
                gate?.Release();
            }
        }, ct)));
    }

    /// <summary>Starts one turn; a 429 is waited out as its Retry-After says, as the CLI and the UI do.</summary>
    private async Task StartTurnAsync(HttpClient http, LoadSession session, CancellationToken ct)
    {
        session.StartSent = Stopwatch.GetTimestamp();
        var url = new Uri(session.TurnServer, $"api/sessions/{session.Name}/turns");
        while (true)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var content = new ByteArrayContent(TurnBody);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(url, content, ct);
                if (response.IsSuccessStatusCode)
                {
                    session.StartAnswered = Stopwatch.GetTimestamp();
                    session.StartMs = Stopwatch.GetElapsedTime(sent, session.StartAnswered).TotalMilliseconds;
                    return;
                }

                if (response.StatusCode == HttpStatusCode.TooManyRequests && session.Refusals < 1000)
                {
                    session.Refusals++;
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), ct);
                    continue;
                }

                session.StartError = $"turn start: {await DescribeAsync(response, ct)}";
            }
            catch (HttpRequestException ex)
            {
                session.StartError = $"turn start: {ex.Message}";
            }

            _errors.Add(session.StartError);
            return;
        }
    }

    /// <summary>The emulator's own time to first byte for the same answer, measured while the turns start.</summary>
    private async Task<List<double>> ProbeEmulatorAsync(Uri emulator, CancellationToken ct)
    {
        var adapter = options.Provider switch
        {
            "openai" => Adapter.OpenAIResponses,
            "gemini" => Adapter.Gemini,
            _ => Adapter.AnthropicMessages,
        };
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };
        // No more probes than turns, and each stops at its first byte: the emulator's CPU stays the turns' CPU.
        var results = await Task.WhenAll(Enumerable.Range(0, Math.Min(options.Probes, options.Sessions)).Select(async _ =>
        {
            var buffer = new byte[16 * 1024];
            var start = Stopwatch.GetTimestamp();
            using var request = WireRequests.Create(emulator, adapter, options.EffectiveModel);
            if (options.Http2)
            {
                request.Version = HttpVersion.Version20;
                request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
            }

            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            return await body.ReadAsync(buffer, ct) > 0 ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : double.NaN;
        }));
        return [.. results.Where(r => !double.IsNaN(r))];
    }

    /// <summary>The stored answer of one completed turn: every session got the same prompt, so every answer is the same.</summary>
    private async Task<(ulong Hash, long Chars)?> ReferenceAnswerAsync(HttpClient http, List<LoadSession> sessions, CancellationToken ct)
    {
        var done = sessions.FirstOrDefault(s => s.Viewers[0].TurnStatus == "completed");
        return done is null ? null : await StoredAnswerAsync(http, done, ct);
    }

    /// <summary>The text of the session's last assistant message as stored.</summary>
    private static async Task<(ulong Hash, long Chars)> StoredAnswerAsync(HttpClient http, LoadSession session, CancellationToken ct)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(session.TurnServer, $"api/sessions/{session.Name}/messages"), ct));
        var text = new StringBuilder();
        foreach (var message in document.RootElement.EnumerateArray())
        {
            if (message.GetProperty("role").GetString() != "assistant")
            {
                continue;
            }

            text.Clear();
            foreach (var block in message.GetProperty("blocks").EnumerateArray())
            {
                if (block.GetProperty("type").GetString() == "text")
                {
                    text.Append(block.GetProperty("text").GetString());
                }
            }
        }

        return LoadViewer.Measure(text.ToString());
    }

    /// <summary>Sessions whose turn did not start but whose conversation got the user's message anyway.</summary>
    private static async Task<int> CountOrphansAsync(HttpClient http, IEnumerable<LoadSession> refused, CancellationToken ct)
    {
        var orphans = 0;
        foreach (var session in refused)
        {
            try
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(session.TurnServer, $"api/sessions/{session.Name}/messages"), ct));
                var last = document.RootElement.EnumerateArray().LastOrDefault();
                if (last.ValueKind == JsonValueKind.Object && last.GetProperty("role").GetString() == "user")
                {
                    orphans++;
                }
            }
            catch (HttpRequestException)
            {
                // Counted as an error already.
            }
        }

        return orphans;
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        try
        {
            using var problem = JsonDocument.Parse(text);
            var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"HTTP {(int)response.StatusCode} {code}: {Short(detail)}";
        }
        catch (JsonException)
        {
            return $"HTTP {(int)response.StatusCode}: {Short(text)}";
        }
    }

    private static CpuSplit CreateCpu(List<MaestroProcess> servers, DatabaseProbe database) => new(
        servers.Sum(s => ProcStat.Cpu(s.Pid).TotalMicroseconds),
        database.Cpu.TotalMicroseconds,
        ProcStat.Cpu(Environment.ProcessId).TotalMicroseconds);

    /// <summary>CPU time in µs of the servers, of PostgreSQL's process tree and of this benchmark.</summary>
    private readonly record struct CpuSplit(double Server, double Database, double Bench)
    {
        public CpuSplit PerItemSince(CpuSplit before, int items) =>
            new((Server - before.Server) / items, (Database - before.Database) / items, (Bench - before.Bench) / items);
    }

    private static string Short(string? text) => text is null ? "" : text.Length <= 90 ? text : text[..90] + "…";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Row(StringBuilder report, string name, string value) => report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");

    private static string Pair(IReadOnlyCollection<double> values)
    {
        var sample = values.Where(v => !double.IsNaN(v)).ToArray();
        if (sample.Length == 0)
        {
            return "–";
        }

        var p = Percentiles.Of(sample);
        return string.Create(CultureInfo.InvariantCulture, $"{Ms(p.P50)} / {Ms(p.P99)}");
    }

    // Requests kept N in flight take N ÷ (requests per second) on average (Little's law). Once the cores are saturated the
    // rate stops growing, so a latency target at N in flight is a throughput target: the CPU of a request, summed over
    // every process on the machine, divided by the cores.
    private static string Throughput(int count, TimeSpan elapsed, int inFlight)
    {
        if (count == 0 || elapsed <= TimeSpan.Zero)
        {
            return "–";
        }

        var rate = count / elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"{rate:N0}/s ({inFlight} ÷ rate = {Ms(inFlight * 1000 / rate)})");
    }

    private static string Ms(double ms) => ms >= 100 ? $"{ms:N0} ms" : $"{ms:0.0} ms";

    private static string PerToken(TimeSpan cpu, long tokens) =>
        tokens == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMicroseconds / tokens:0.0} µs ({cpu.TotalSeconds:0.00} s / {tokens:N0} tokens)");

    private static string PerTokenShort(TimeSpan cpu, long tokens) =>
        tokens == 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{cpu.TotalMicroseconds / tokens:0.0} µs");
}
