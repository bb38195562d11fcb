using System.Net;
using System.Text.Json;

namespace Maestro.Tests.Emulator;

public sealed class FixtureReplayTests(EmulatorFixture emulator) : IClassFixture<EmulatorFixture>
{
    public static TheoryData<string, string> Streams => FixtureFiles.AllStreams();

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Fixture_model_replays_the_recording_byte_for_byte(string apiName, string fixture)
    {
        var api = Api.For(apiName);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fixture:" + fixture, stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/event-stream");
        var replayed = await response.Content.ReadAsByteArrayAsync(ct);
        replayed.ShouldBe(FixtureFiles.Read(apiName, fixture));
    }

    [Fact]
    public async Task Paced_replay_keeps_the_bytes()
    {
        var api = Api.For(Api.GeminiGenerate);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fixture:text@500", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);
        (await response.Content.ReadAsByteArrayAsync(ct)).ShouldBe(FixtureFiles.Read(Api.GeminiGenerate, "text"));
    }

    [Fact]
    public async Task Fixture_replay_needs_a_streaming_request()
    {
        var api = Api.For(Api.AnthropicMessages);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fixture:text-basic", stream: false);
        using var response = await emulator.Http.SendAsync(request, ct);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_fixture_names_the_known_ones()
    {
        var api = Api.For(Api.OpenAIChat);
        var ct = TestContext.Current.CancellationToken;
        using var request = api.Request(emulator.Server.BaseUrl, EmulatorFixture.NewKey(), "fixture:no-such-thing", stream: true);
        using var response = await emulator.Http.SendAsync(request, ct);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var message = body.RootElement.GetProperty("error").GetProperty("message").GetString()!;
        message.ShouldContain("no-such-thing");
        message.ShouldContain("tool-calls-parallel");
    }
}
