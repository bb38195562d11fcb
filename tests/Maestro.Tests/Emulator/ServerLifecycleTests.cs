using System.Collections.Concurrent;
using System.Net;
using Maestro.Emulator;
using Microsoft.Extensions.Logging;

namespace Maestro.Tests.Emulator;

public sealed class ServerLifecycleTests
{
    [Fact]
    public async Task Logs_one_line_per_request_with_model_scenario_and_status_and_no_key()
    {
        var ct = TestContext.Current.CancellationToken;
        var lines = new ConcurrentQueue<string>();
        using var requestLogged = new SemaphoreSlim(0);
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new CapturingProvider(lines, requestLogged)).SetMinimumLevel(LogLevel.Information));
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { LoggerFactory = loggerFactory }, ct);
        using var http = new HttpClient();
        const string Key = "AIza-very-secret-key-123";

        var api = Api.For(Api.GeminiGenerate);
        using (var request = api.Request(server.BaseUrl, Key, "synthetic:3", stream: true))
        {
            request.RequestUri = new Uri(request.RequestUri + "&key=" + Key);
            using var response = await http.SendAsync(request, ct);
            await response.Content.ReadAsStringAsync(ct);
        }

        using (var request = Api.For(Api.OpenAIChat).Request(server.BaseUrl, Key, "fault:429", stream: false))
        using (var response = await http.SendAsync(request, ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        }

        // The line is written when the request's pipeline ends, which can be just after the client has read a
        // fixed-length answer: wait for both lines rather than assume they are there.
        await requestLogged.WaitAsync(ct);
        await requestLogged.WaitAsync(ct);
        var requestLines = lines.Where(l => l.StartsWith("POST ", StringComparison.Ordinal)).ToList();
        requestLines.Count.ShouldBe(2);
        requestLines[0].ShouldBe("POST /gemini/v1beta/models/synthetic:3:streamGenerateContent?alt=sse&key=[redacted] model=synthetic:3 scenario=synthetic:3 status=200");
        requestLines[1].ShouldBe("POST /openai/v1/chat/completions model=fault:429 scenario=fault:429 status=429");
        lines.ShouldAllBe(l => !l.Contains(Key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Wait_for_shutdown_returns_when_cancelled_and_the_port_closes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions(), ct);
        using var http = new HttpClient();
        (await http.GetAsync(new Uri(server.BaseUrl, "/_emulator/health"), ct)).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var ctrlC = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var running = server.WaitForShutdownAsync(ctrlC.Token);
        running.IsCompleted.ShouldBeFalse();
        await ctrlC.CancelAsync();
        await running;

        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync(new Uri(server.BaseUrl, "/_emulator/health"), ct));
    }

    [Fact]
    public async Task Disposing_the_server_releases_a_stalled_stream()
    {
        var ct = TestContext.Current.CancellationToken;
        var server = await EmulatorServer.StartAsync(new EmulatorOptions { Fault = EmulatorFault.Parse("stall:1") }, ct);
        using var http = new HttpClient();
        var api = Api.For(Api.AnthropicMessages);
        using var request = api.Request(server.BaseUrl, "key", api.DefaultModel, stream: true);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var reading = RawStream.ReadAllAsync(response, ct);

        await server.DisposeAsync();
        var (text, _) = await reading;
        RawStream.CountEvents(text).ShouldBe(1);
    }

    [Fact]
    public async Task Options_are_validated()
    {
        var ct = TestContext.Current.CancellationToken;
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => EmulatorServer.StartAsync(new EmulatorOptions { SyntheticTokens = -1 }, ct));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(() => EmulatorServer.StartAsync(new EmulatorOptions { Port = 70000 }, ct));
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines, SemaphoreSlim requestLogged) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CapturingLogger(lines, requestLogged);

        public void Dispose()
        {
        }
    }

    private sealed class CapturingLogger(ConcurrentQueue<string> lines, SemaphoreSlim requestLogged) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = formatter(state, exception);
            lines.Enqueue(line);
            if (line.StartsWith("POST ", StringComparison.Ordinal))
            {
                requestLogged.Release();
            }
        }
    }
}
