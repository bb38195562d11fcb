using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Core.Events;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Web.Fuzz;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Web;

/// <summary>
/// Every endpoint the app maps (read from its endpoint data source, so new routes are fuzzed without editing this
/// test) gets NUL, lone surrogates, NaN/Infinity, huge strings, wrong types and malformed JSON in its route values,
/// query, form and body: no answer is a 5xx, and text Maestro cannot hold is refused with a 400 naming the field.
/// </summary>
public sealed class EndpointFuzzTests(PostgresFixture postgres) : IAsyncLifetime
{
    private SessionTestBed _bed = null!;
    private WebServer _server = null!;
    private readonly Dictionary<string, string> _ids = [];

    public async ValueTask InitializeAsync()
    {
        _bed = await SessionTestBed.CreateAsync(postgres, "fuzz");
        // A fuzzed edit may clear an auth's base URL, which then means the provider's default: point the defaults at
        // the emulator, so no request of this test leaves the machine.
        _bed.Env.Settings["ANTHROPIC_API_BASE_URL"] = _bed.Emulator.ProviderUrl("anthropic").ToString();
        _bed.Env.Settings["OPENAI_API_BASE_URL"] = _bed.Emulator.ProviderUrl("openai").ToString();
        _bed.Env.Settings["GEMINI_API_BASE_URL"] = _bed.Emulator.ProviderUrl("gemini").ToString();
        _server = await WebServer.StartAsync(_bed.Env);
        await SeedAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task No_endpoint_answers_5xx_to_hostile_input_and_unstorable_text_is_refused_naming_the_field()
    {
        var endpoints = _server.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .OrderBy(e => e.RoutePattern.RawText, StringComparer.Ordinal).ToList();
        endpoints.Count.ShouldBeGreaterThan(50);
        var fuzzer = new EndpointFuzzer(_server.App.Services.GetRequiredService<IServiceProviderIsService>(), ValidRouteValue);
        var requests = endpoints.SelectMany(fuzzer.For).ToList();

        var statuses = new ConcurrentDictionary<int, int>();
        var serverErrors = new ConcurrentQueue<string>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(requests, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (request, _) =>
        {
            var (status, body) = await SendAsync(request);
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (status is 0 or >= 500)
            {
                serverErrors.Enqueue($"{status} ← {request}\n    {Shorten(body)}");
            }
            else if (request.Field is { } field && !NamesField(status, body, field))
            {
                failures.Enqueue($"{status}, not a 400 naming '{field}' ← {request}\n    {Shorten(body)}");
            }
        });

        var summary = $"{endpoints.Count} endpoints, {requests.Count} fuzz requests; statuses: " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} × {s.Value}"));
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        TestContext.Current.SendDiagnosticMessage(summary);
        // One line per kind of failure (route and label), so a systematic bug does not hide the others.
        var all = serverErrors.Concat(failures).DistinctBy(f => f.Split('\n')[0].Split(" [")[^1]).ToList();
        all.ShouldBeEmpty($"{summary}\n{serverErrors.Count} server errors, {failures.Count} other failures:\n{string.Join("\n", all.Take(80))}");
    }

    private async Task<(int Status, string Body)> SendAsync(FuzzRequest request)
    {
        using var message = request.ToMessage();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            // Live streams never end: their status and headers are the answer.
            using var response = await _server.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var streaming = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
            var body = streaming ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
            return ((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return (0, "no answer within 60 s");
        }
    }

    private static bool NamesField(int status, string body, string field)
    {
        if (status != 400)
        {
            return false;
        }

        try
        {
            using var problem = JsonDocument.Parse(body);
            return problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object &&
                errors.EnumerateObject().Any(e => e.Name == field || e.Name.StartsWith(field + ".", StringComparison.Ordinal) ||
                    e.Name.StartsWith(field + "[", StringComparison.Ordinal));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string body) => body.Length > 300 ? body[..300] + "…" : body;

    /// <summary>A route value that reaches the endpoint's real work: the seeded auth, session, prompt, MCP server and message ids.</summary>
    private string ValidRouteValue(RouteEndpoint endpoint, string name)
    {
        var template = endpoint.RoutePattern.RawText!;
        return name.ToLowerInvariant() switch
        {
            "provider" => "anthropic",
            "name" when template.Contains("auths", StringComparison.Ordinal) => "bed",
            "name" when template.StartsWith("/sessions", StringComparison.Ordinal) => "fuzz",
            "name" => "fuzz",
            "session" => "fuzz",
            "id" when template.Contains("mcp", StringComparison.Ordinal) => _ids["mcp"],
            "turnid" => _ids["turn"],
            "threadid" => _ids["thread"],
            "messageid" or "chunkid" => _ids["message"],
            _ => Guid.NewGuid().ToString(),
        };
    }

    private async Task SeedAsync()
    {
        var http = _server.Client;
        (await http.PostAsJsonAsync("/api/prompts", new { name = "fuzz", kind = "system", content = "Be brief." })).EnsureSuccessStatusCode();
        using (var mcp = JsonDocument.Parse(await (await http.PostAsJsonAsync("/api/mcp-servers", new { name = "fuzz", command = "/bin/true" }))
            .EnsureSuccessStatusCode().Content.ReadAsStringAsync()))
        {
            _ids["mcp"] = mcp.RootElement.GetProperty("id").GetString()!;
        }

        using var session = JsonDocument.Parse(await (await http.PostAsJsonAsync("/api/sessions", new
        {
            name = "fuzz",
            auth = "anthropic/bed",
            model = SessionTestBed.Models["anthropic"],
            working_directory = _bed.Workdir,
        })).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        var sessionId = session.RootElement.GetProperty("id").GetGuid();

        using var events = _server.App.Services.GetRequiredService<SessionEventHub>().Subscribe(sessionId);
        using var started = JsonDocument.Parse(await (await http.PostAsJsonAsync("/api/sessions/fuzz/turns", new { text = "Hello" }))
            .EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        _ids["turn"] = started.RootElement.GetProperty("turn_id").GetString()!;
        _ids["thread"] = started.RootElement.GetProperty("thread_id").GetString()!;
        using var wait = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while ((await events.Reader.ReadAsync(wait.Token)).Type != SessionEventTypes.TurnFinished)
        {
        }

        using var messages = JsonDocument.Parse(await http.GetStringAsync("/api/sessions/fuzz/messages"));
        _ids["message"] = messages.RootElement.EnumerateArray().First().GetProperty("id").GetString()!;
    }
}
