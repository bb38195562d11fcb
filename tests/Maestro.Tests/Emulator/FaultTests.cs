using System.Net;
using System.Text.Json;
using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

public sealed class FaultTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    private static readonly string CompletionMarker = "completion";

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Rate_limit_fault_sends_retry_after_and_the_providers_body(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:429:7", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        response.Headers.GetValues("retry-after").Single().ShouldBe("7");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        ErrorType(apiName, body.RootElement).ShouldBe(apiName switch
        {
            Api.AnthropicMessages => "rate_limit_error",
            Api.GeminiGenerate => "RESOURCE_EXHAUSTED",
            _ => "rate_limit_exceeded",
        });
    }

    [Theory]
    [InlineData(Api.AnthropicMessages, "529", 529, "overloaded_error")]
    [InlineData(Api.OpenAIResponses, "529", 503, "server_error")]
    [InlineData(Api.GeminiGenerate, "529", 503, "UNAVAILABLE")]
    [InlineData(Api.OpenAIChat, "503", 503, "server_error")]
    [InlineData(Api.AnthropicMessages, "500", 500, "api_error")]
    [InlineData(Api.GeminiGenerate, "500", 500, "INTERNAL")]
    [InlineData(Api.AnthropicMessages, "401", 401, "authentication_error")]
    [InlineData(Api.OpenAIChat, "401", 401, "invalid_api_key")]
    [InlineData(Api.GeminiGenerate, "401", 401, "UNAUTHENTICATED")]
    public async Task Status_faults_answer_with_the_providers_error(string apiName, string fault, int status, string errorType)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:" + fault, stream: false);
        using var response = await emulator.Http.SendAsync(request, ct);

        ((int)response.StatusCode).ShouldBe(status);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        ErrorType(apiName, body.RootElement).ShouldBe(errorType);
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Disconnect_aborts_the_connection_after_K_events(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:disconnect:4", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var (text, error) = await RawStream.ReadAllAsync(response, ct);
        error.ShouldNotBeNull();
        RawStream.CountEvents(text).ShouldBe(4);
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Truncate_ends_cleanly_without_the_completion_event(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:truncate:5", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var (text, error) = await RawStream.ReadAllAsync(response, ct);

        error.ShouldBeNull();
        RawStream.CountEvents(text).ShouldBe(5);
        using var replay = new HttpResponseMessage { Content = new StringContent(text) };
        api.HasCompletion(await Api.ReadEventsAsync(replay, ct)).ShouldBeFalse(CompletionMarker);
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Truncate_beyond_the_stream_still_drops_the_completion_event(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:truncate:100000", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = await Api.ReadEventsAsync(response, ct);

        api.TextDeltas(events).Count.ShouldBe(apiName == Api.GeminiGenerate ? 199 : 200); // Gemini's last text chunk is its completion.
        api.HasCompletion(events).ShouldBeFalse(CompletionMarker);
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Malformed_sends_a_data_line_that_is_not_json(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:malformed:3", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var (text, error) = await RawStream.ReadAllAsync(response, ct);

        error.ShouldBeNull();
        var data = RawStream.DataLines(text);
        var invalid = data.Select((line, index) => (line, index)).Where(d => !IsJson(d.line)).ToList();
        invalid.ShouldHaveSingleItem().index.ShouldBe(3);
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Stall_sends_K_events_then_nothing(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:stall:2", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);

        var after = await RawStream.BytesAfterEventsAsync(response, 2, TimeSpan.FromMilliseconds(300), ct);
        after.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("disconnect:1")]
    [InlineData("truncate")]
    [InlineData("malformed")]
    public async Task Stream_faults_damage_a_non_streaming_body(string fault)
    {
        var api = Api.For(Api.AnthropicMessages);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fault:" + fault, stream: false);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var (text, error) = await RawStream.ReadAllAsync(response, ct);

        if (fault.StartsWith("disconnect", StringComparison.Ordinal))
        {
            error.ShouldNotBeNull();
        }

        IsJson(text).ShouldBeFalse();
    }

    [Fact]
    public async Task Scripted_stream_fault_damages_the_scripted_answer()
    {
        var api = Api.For(Api.OpenAIChat);
        var ct = TestContext.Current.CancellationToken;
        var key = EmulatorFixture.NewKey();
        emulator.Server.Control.Enqueue(key, new ScriptedResponse { Text = "one two three four five six", Fault = EmulatorFault.Parse("disconnect:3") });

        using var request = api.Request(emulator.Server.BaseUrl, key, api.DefaultModel, stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var (text, error) = await RawStream.ReadAllAsync(response, ct);
        error.ShouldNotBeNull();
        RawStream.DataLines(text).Count.ShouldBe(3);
        text.ShouldContain("\"one \"");
        text.ShouldNotContain("four");
    }

    [Fact]
    public async Task Global_fault_option_applies_to_listed_models_but_not_to_conventions()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await EmulatorServer.StartAsync(new EmulatorOptions { Fault = EmulatorFault.Parse("503") }, ct);
        using var http = new HttpClient();
        var api = Api.For(Api.GeminiGenerate);

        using (var request = api.Request(server.BaseUrl, "key", api.DefaultModel, stream: true))
        using (var response = await http.SendAsync(request, ct))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        }

        using var synthetic = api.Request(server.BaseUrl, "key", "synthetic:3", stream: true);
        using var ok = await http.SendAsync(synthetic, ct);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static string? ErrorType(string apiName, JsonElement body) => apiName switch
    {
        Api.AnthropicMessages => body.GetProperty("type").GetString() == "error" ? body.GetProperty("error").GetProperty("type").GetString() : null,
        Api.GeminiGenerate => body.GetProperty("error").GetProperty("status").GetString(),
        _ => body.GetProperty("error").GetProperty("code").GetString() ?? body.GetProperty("error").GetProperty("type").GetString(),
    };

    private static bool IsJson(string text)
    {
        if (text == "[DONE]")
        {
            return true;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
