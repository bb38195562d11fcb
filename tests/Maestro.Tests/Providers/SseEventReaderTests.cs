using System.Net.ServerSentEvents;
using System.Text;
using Maestro.Providers.Shared;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers;

/// <summary>
/// Maestro's SSE reader gives exactly what the runtime's <see cref="SseParser"/> gives (the parser it replaced on the
/// streaming path), however the body is split into reads.
/// </summary>
public sealed class SseEventReaderTests
{
    public static TheoryData<string> Bodies() =>
    [
        "data: x",
        "data: x\n",
        "data: x\n\n",
        "event: e\ndata: a\ndata: b\n\n",
        "data\n\n",
        "data:\n\n",
        "event: e\n\n",
        "event: e\n\ndata: after\n\n",
        ":comment\ndata: y\r\n\r\n",
        "\uFEFFdata: z\n\n",
        "\uFEFF",
        "data: a\rdata: b\r\r",
        "data: a\r\n\rdata: b\n\r\n",
        "id: 1\nretry: 5\ndata:  two spaces\n\n",
        "event:\ndata: q\n\n",
        "event: one\ndata: 1\n\nevent: two\ndata: 2\n\nevent: one\ndata: 3\n\n",
        "data: x\n\nevent: tail\ndata: y",
        "unknown: field\nnocolon\ndata: {\"a\":\"é ✓\"}\n\n",
        "data: " + new string('x', 10_000) + "\n\n",
        "\n\n\ndata: late\n\n",
    ];

    public static TheoryData<string> Fixtures() =>
    [
        .. new[] { "anthropic/messages", "openai/responses", "openai/chat-completions", "gemini/generate-content" }
            .SelectMany(folder => RepoPaths.Fixtures(folder, "*.sse")),
    ];

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Gives_what_the_runtime_parser_gives_however_the_body_is_split(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var expected = await ParserEventsAsync(bytes);
        foreach (var chunk in new[] { bytes.Length + 1, 1, 2, 3, 7 })
        {
            ReaderEvents(bytes, chunk).ShouldBe(expected, $"reads of {chunk} bytes");
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Every_recorded_stream_gives_the_same_events(string fixture)
    {
        var bytes = RepoPaths.FixtureBytes(fixture);
        var expected = await ParserEventsAsync(bytes);
        expected.ShouldNotBeEmpty();
        foreach (var chunk in new[] { bytes.Length, 1, 13, 4096 })
        {
            ReaderEvents(bytes, chunk).ShouldBe(expected, $"reads of {chunk} bytes");
        }
    }

    [Fact]
    public void Repeated_event_types_are_one_string_each()
    {
        var bytes = "event: delta\ndata: 1\n\nevent: delta\ndata: 2\n\n"u8.ToArray();
        using var reader = new SseEventReader();
        var types = new List<string>();
        Feed(reader, bytes, bytes.Length, (type, _) => types.Add(type));
        types.Count.ShouldBe(2);
        ReferenceEquals(types[0], types[1]).ShouldBeTrue();
    }

    [Fact]
    public void A_line_that_never_ends_is_refused_past_the_limit()
    {
        using var reader = new SseEventReader();
        var chunk = Encoding.ASCII.GetBytes("data: " + new string('x', 1 << 20));
        Should.Throw<InvalidDataException>(() =>
        {
            // Each read fills what the buffer has room for; 100,000 of them is far past the limit.
            for (var i = 0; i < 100_000; i++)
            {
                reader.TryRead().ShouldBeFalse();
                var space = reader.Space();
                var n = Math.Min(space.Length, chunk.Length);
                chunk.AsSpan(0, n).CopyTo(space.Span);
                reader.Filled(n);
            }
        }).Message.ShouldContain("longer than 16 MB");
    }

    [Fact]
    public void An_event_whose_data_lines_never_end_it_is_refused_past_the_limit()
    {
        using var reader = new SseEventReader();
        var line = Encoding.ASCII.GetBytes("data: " + new string('x', 1 << 20) + "\n");
        var at = 0;
        Should.Throw<InvalidDataException>(() =>
        {
            // The same complete line again and again, never the blank line that would end the event.
            for (var i = 0; i < 100_000; i++)
            {
                reader.TryRead().ShouldBeFalse();
                var space = reader.Space();
                var n = Math.Min(space.Length, line.Length - at);
                line.AsSpan(at, n).CopyTo(space.Span);
                at = (at + n) % line.Length;
                reader.Filled(n);
            }
        }).Message.ShouldContain("event was longer than 16 MB");
    }

    private static async Task<List<string>> ParserEventsAsync(byte[] bytes)
    {
        var parser = SseParser.Create(new MemoryStream(bytes), (type, data) => Describe(type, data));
        var events = new List<string>();
        await foreach (var item in parser.EnumerateAsync(TestContext.Current.CancellationToken))
        {
            events.Add(item.Data);
        }

        return events;
    }

    private static List<string> ReaderEvents(byte[] bytes, int chunk)
    {
        using var reader = new SseEventReader();
        var events = new List<string>();
        Feed(reader, bytes, chunk, (type, data) => events.Add(Describe(type, data)));
        return events;
    }

    private delegate void EventSink(string type, ReadOnlySpan<byte> data);

    /// <summary>Drives the reader as the stream does: events while it has them, then the next read of at most <paramref name="chunk"/> bytes.</summary>
    private static void Feed(SseEventReader reader, byte[] bytes, int chunk, EventSink sink)
    {
        var offset = 0;
        while (true)
        {
            if (reader.TryRead())
            {
                sink(reader.EventType, reader.Data);
                continue;
            }

            if (reader.Ended)
            {
                return;
            }

            var space = reader.Space();
            var n = Math.Min(Math.Min(chunk, space.Length), bytes.Length - offset);
            bytes.AsSpan(offset, n).CopyTo(space.Span);
            offset += n;
            reader.Filled(n);
        }
    }

    private static string Describe(string type, ReadOnlySpan<byte> data) => $"{type}|{Encoding.UTF8.GetString(data)}";
}
