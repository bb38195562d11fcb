using System.Net;
using System.Text.Json;

namespace Maestro.Tests.Emulator;

public sealed class SyntheticAnswerTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Synthetic_model_streams_exactly_N_text_deltas_and_reports_usage(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:37", stream: true, prompt: "Please quote me back");
        var bodyBytes = (await request.Content!.ReadAsByteArrayAsync(ct)).Length;

        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var events = await Api.ReadEventsAsync(response, ct);

        var deltas = api.TextDeltas(events);
        deltas.Count.ShouldBe(37);
        api.HasCompletion(events).ShouldBeTrue();
        api.StreamUsage(events).ShouldBe((bodyBytes / 4, 37));
        var text = string.Concat(deltas);
        text.ShouldStartWith("This is an emulated answer from ");
        text.ShouldContain("synthetic:37");
        text.ShouldContain("> Please quote me back");
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Listed_model_gets_the_default_200_token_answer_with_a_code_block(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), api.DefaultModel, stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = await Api.ReadEventsAsync(response, ct);

        var deltas = api.TextDeltas(events);
        deltas.Count.ShouldBe(200);
        api.StreamUsage(events).Output.ShouldBe(200);
        var text = string.Concat(deltas);
        text.ShouldContain($"/{api.DefaultModel}");
        text.ShouldContain("```csharp\n");
    }

    [Theory]
    [MemberData(nameof(Api.All), MemberType = typeof(Api))]
    public async Task Non_streaming_synthetic_answer_is_one_body_with_the_same_text_and_usage(string apiName)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:12", stream: false, prompt: "One body please");
        var bodyBytes = (await request.Content!.ReadAsByteArrayAsync(ct)).Length;
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var text = api.Text(body.RootElement);
        text.ShouldStartWith("This is an emulated answer from ");
        api.Usage(body.RootElement).ShouldBe((bodyBytes / 4, 12));
    }

    [Fact]
    public async Task Synthetic_text_is_deterministic()
    {
        var api = Api.For(Api.AnthropicMessages);
        var ct = TestContext.Current.CancellationToken;
        var texts = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:80", stream: false, prompt: "same");
            using var response = await emulator.Http.SendAsync(request, ct);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
            texts.Add(api.Text(body.RootElement));
        }

        texts[1].ShouldBe(texts[0]);
    }

    [Fact]
    public async Task Paced_stream_still_delivers_every_token()
    {
        var api = Api.For(Api.OpenAIChat);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:5@200", stream: true);
        using var response = await emulator.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        var events = await Api.ReadEventsAsync(response, ct);
        api.TextDeltas(events).Count.ShouldBe(5);
        api.HasCompletion(events).ShouldBeTrue();
    }

    [Fact]
    public async Task Malformed_convention_is_an_invalid_request()
    {
        var api = Api.For(Api.AnthropicMessages);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "synthetic:many", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync(ct)).ShouldContain("invalid_request_error");
    }
}
