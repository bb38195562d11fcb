using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.Core.Chat;
using Maestro.Core.Events;
using Maestro.Tests.Infrastructure;
using Maestro.Web.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Web;

/// <summary>
/// Text deltas go to viewers through a hand-written JSON writer (the hot path); its bytes must be the serializer's own
/// with the stream's real options, so clients cannot tell which one wrote a frame.
/// </summary>
public sealed class TextDeltaJsonTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "delta-json");

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    public static TheoryData<string> Texts => new() { "Hello", "", "line\nbreak \"quoted\" \\ tab\t", "<script>&'", "naïve — 日本語 🎵", "\u0001\u001f" };

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task A_text_delta_is_written_exactly_as_the_serializer_writes_it(string text)
    {
        await using var server = await WebServer.StartAsync(_env);
        var options = server.App.Services.GetRequiredService<SessionEventStream>().FrameOptions;
        var at = new DateTimeOffset(2026, 12, 6, 5, 48, 1, 230, TimeSpan.Zero);

        SessionEvent[] events =
        [
            Delta(new StreamEvent { Type = "text", Text = text, Offset = 0 }, Guid.NewGuid(), Guid.NewGuid(), at, 1),
            Delta(new StreamEvent { Type = "text", Text = text, Offset = 123_456 }, null, null, at.AddTicks(1), long.MaxValue),
            Delta(new StreamEvent { Type = "text", Text = text }, Guid.NewGuid(), null, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(-7)), 0),
        ];
        foreach (var e in events)
        {
            Written(json => TextDeltaJson.TryWrite(json, e).ShouldBeTrue()).ShouldBe(Written(json => JsonSerializer.Serialize(json, e, options)));
        }
    }

    [Fact]
    public void Any_other_event_is_left_to_the_serializer()
    {
        var session = Guid.NewGuid();
        SessionEvent[] others =
        [
            Delta(new StreamEvent { Type = "reasoning", Text = "hm" }, null, null, DateTimeOffset.UnixEpoch, 1),
            Delta(new StreamEvent { Type = "text", Text = "a", Model = "m" }, null, null, DateTimeOffset.UnixEpoch, 1),
            Delta(new StreamEvent { Type = "text" }, null, null, DateTimeOffset.UnixEpoch, 1),
            new SessionEvent { SessionId = session, Type = SessionEventTypes.Notice, Notice = "hi" },
            new SessionEvent { SessionId = session, Type = SessionEventTypes.Delta, Delta = new StreamEvent { Type = "text", Text = "a" }, Notice = "also" },
        ];
        foreach (var e in others)
        {
            Written(json => TextDeltaJson.TryWrite(json, e).ShouldBeFalse()).ShouldBeEmpty();
        }
    }

    private static SessionEvent Delta(StreamEvent delta, Guid? turn, Guid? message, DateTimeOffset at, long id) =>
        new() { Id = id, At = at, SessionId = Guid.NewGuid(), Type = SessionEventTypes.Delta, TurnId = turn, MessageId = message, Delta = delta };

    /// <summary>What a frame writer's JSON writer (same writer options as the stream's) produces.</summary>
    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
