using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Maestro.Core.Diagnostics;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Text;
using Maestro.Core.Turns;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Maestro.Web.Api;

/// <summary>
/// A session's live events for one viewer, as server-sent events. A new viewer (or one whose missed events are no
/// longer kept) first gets a "snapshot" of the turn in progress — the message written so far — then every later event;
/// a viewer that reconnects with Last-Event-ID gets exactly the events it missed. Nothing is lost or repeated: text
/// deltas carry their offset in the message, and those the snapshot already holds are skipped.
/// <para>
/// Cheap per token: an event is serialized once for all the session's viewers (or straight into the viewer's batch
/// when it has one), a viewer is flushed at most once per tick of the process's <see cref="PacingClock"/> (every
/// <see cref="EventStreamOptions.FlushInterval"/>) with whatever came meanwhile, and consecutive text deltas of a
/// message then go out as one. A viewer that stops reading never slows the turn or other viewers: past a bounded
/// backlog its queue is dropped and it resumes from a fresh snapshot.
/// </para>
/// </summary>
public sealed class SessionEventStream(
    SessionEventHub hub, TurnSnapshots snapshots, LoadCounters counters, EventStreamOptions options, IOptions<JsonOptions> json)
{
    private const int FlushThreshold = 32 * 1024;

    // The API's JSON, without members that do not apply to the event (a token's frame stays small).
    private readonly JsonSerializerOptions _json = new(json.Value.SerializerOptions) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The options a frame's JSON is written with.</summary>
    internal JsonSerializerOptions FrameOptions => _json;

    public IResult Result(Session session, long? afterId) => new StreamResult(this, session, afterId);

    private async Task WriteAsync(HttpContext http, Session session, long? afterId)
    {
        var response = http.Response;
        var cancellationToken = http.RequestAborted;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        // Inline: this loop only writes frames into its connection's buffer and never waits for the network while a
        // publisher runs it (a flush that would wait returns at once and the rest continues on the pipe's thread).
        using var subscription = hub.Subscribe(session.Id, afterId, SubscriptionOptions.Viewer with { Inline = true, MaxBacklog = options.MaxBacklog });
        // The viewer going away ends the feed: no per-read cancellation to register and unregister.
        await using var closing = cancellationToken.UnsafeRegister(static s => ((Subscription)s!).Close(), subscription);
        counters.ViewerOpened("api");
        try
        {
            using var writer = new FrameWriter(response.BodyWriter, _json);
            var skip = SnapshotCoverage.None;
            if (afterId is null || subscription.Gap)
            {
                skip = await SnapshotAsync(writer, session.Id, cancellationToken);
            }

            var join = new SnapshotJoin(skip);

            await writer.FlushAsync(cancellationToken);
            var reader = subscription.Reader;
            // At most one flush of deltas per tick of the process's pacing clock: what arrives meanwhile goes out
            // together, text deltas as one frame. The first event after a quiet spell goes out at once, and a flush of
            // status events only (the turn and its message starting) does not hold back the first token behind it.
            var clock = options.FlushInterval > TimeSpan.Zero ? PacingClock.Every(options.FlushInterval) : null;
            var flushedAt = -1L;
            while (await reader.WaitToReadAsync(CancellationToken.None))
            {
                if (clock is not null && clock.Tick == flushedAt)
                {
                    // Not cancellable (no registration per wait): it ends within one tick, and the check follows.
                    await clock.NextTickAsync();
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (subscription.TakeOverflow())
                {
                    // Fell too far behind (it stopped reading for a while): the backlog is gone, a snapshot replaces it.
                    counters.ViewerResynced();
                    skip = await SnapshotAsync(writer, session.Id, cancellationToken);
                    join = new SnapshotJoin(skip);
                }

                var deltas = false;
                while (reader.TryRead(out var e))
                {
                    if (skip.Unseen(e) is not { } unseen)
                    {
                        continue;
                    }

                    deltas |= e.Type == SessionEventTypes.Delta;
                    if (join.LeavesGapBefore(unseen) && await snapshots.MissingDeltaAsync(skip, unseen, cancellationToken) is { } missing)
                    {
                        // The turn runs in another instance, which this one heard only after its last save (it had just
                        // started, or kept too few events): the text between, read back once saved, goes first.
                        writer.Write(missing);
                    }

                    if (!ReferenceEquals(unseen, e))
                    {
                        // The end of a delta the snapshot holds the start of: this viewer's own copy.
                        writer.Write(unseen);
                    }
                    else if (IsText(e) && reader.TryPeek(out var next) && Continues(e, next))
                    {
                        writer.Write(Coalesce(e, reader));
                    }
                    else if (subscription.Shared && e.Type != SessionEventTypes.Ping)
                    {
                        writer.WriteBytes(subscription.Wire.GetOrAdd(e, writer.Serialize));
                    }
                    else
                    {
                        writer.Write(e);
                    }

                    if (writer.Unflushed >= FlushThreshold)
                    {
                        await writer.FlushAsync(cancellationToken);
                    }
                }

                if (!await writer.FlushAsync(cancellationToken))
                {
                    return;
                }

                flushedAt = deltas && clock is not null ? clock.Tick : -1;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The viewer left.
        }
        finally
        {
            counters.ViewerClosed("api");
        }
    }

    private async Task<SnapshotCoverage> SnapshotAsync(FrameWriter writer, Guid sessionId, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.TakeAsync(sessionId, cancellationToken);
        writer.Write(snapshot, TurnSnapshots.Type);
        return SnapshotCoverage.Of(snapshot);
    }

    private static bool IsText(SessionEvent e) => e.Type == SessionEventTypes.Delta && e.Delta is { Type: "text", Offset: not null, Text: not null };

    /// <summary>The next event continues this text delta (same message, right after it).</summary>
    private static bool Continues(SessionEvent e, SessionEvent next) =>
        IsText(next) && next.MessageId == e.MessageId && next.Delta!.Offset == e.Delta!.Offset + e.Delta.Text!.Length;

    /// <summary>Consecutive queued text deltas of one message, as one delta (one frame instead of many).</summary>
    private static SessionEvent Coalesce(SessionEvent first, System.Threading.Channels.ChannelReader<SessionEvent> reader)
    {
        var text = new StringBuilder(first.Delta!.Text);
        var last = first;
        while (reader.TryPeek(out var next) && Continues(last, next) && reader.TryRead(out next))
        {
            // The first delta was wholly unseen, so are those after it in the message.
            text.Append(next.Delta!.Text);
            last = next;
        }

        return SessionEvent.TextRun(first, last, text.ToString());
    }

    /// <summary>
    /// Server-sent-event frames, gathered in a pooled buffer and handed to the response pipe in one write per flush:
    /// the pipe's lock, which the connection's sender also takes, is taken once per batch instead of several times per
    /// frame.
    /// </summary>
    private sealed class FrameWriter : IDisposable
    {
        private static readonly byte[] EventPrefix = "event: "u8.ToArray();
        private static readonly byte[] DataPrefix = "\ndata: "u8.ToArray();
        private static readonly byte[] IdPrefix = "\nid: "u8.ToArray();
        private static readonly byte[] End = "\n\n"u8.ToArray();
        private readonly PipeWriter _pipe;
        private readonly JsonSerializerOptions _options;
        private readonly PooledBufferWriter _batch = new(2048);
        private readonly Utf8JsonWriter _json;

        public FrameWriter(PipeWriter pipe, JsonSerializerOptions options)
        {
            _pipe = pipe;
            _options = options;
            _json = new Utf8JsonWriter(_batch, new JsonWriterOptions { SkipValidation = true });
        }

        public void Dispose()
        {
            _json.Dispose();
            _batch.Dispose();
        }

        /// <summary>Bytes written since the last flush.</summary>
        public long Unflushed => _batch.WrittenCount;

        public void Write(SessionEvent e, string? type = null) => WriteFrame(_batch, _json, e, type ?? e.Type, _options);

        public void WriteBytes(byte[] frame) => _batch.Write(frame);

        /// <summary>Sends the batch; false once the viewer's connection is done.</summary>
        public async ValueTask<bool> FlushAsync(CancellationToken cancellationToken)
        {
            if (_batch.WrittenCount > 0)
            {
                _pipe.Write(_batch.WrittenSpan);
                // The buffer goes back to the pool between batches: a quiet viewer holds none.
                _batch.Clear();
            }

            var result = await _pipe.FlushAsync(cancellationToken);
            return !result.IsCompleted && !result.IsCanceled;
        }

        /// <summary>The whole frame as bytes, for the session's other viewers to reuse.</summary>
        public byte[] Serialize(SessionEvent e)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
            WriteFrame(buffer, json, e, e.Type, _options);
            return buffer.WrittenSpan.ToArray();
        }

        /// <summary>Writes "event: T\ndata: JSON\nid: N\n\n".</summary>
        private static void WriteFrame(IBufferWriter<byte> output, Utf8JsonWriter json, SessionEvent e, string type, JsonSerializerOptions options)
        {
            output.Write(EventPrefix);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(type.Length));
            var typeBytes = Encoding.UTF8.GetBytes(type, span);
            output.Advance(typeBytes);
            output.Write(DataPrefix);
            json.Reset(output);
            if (!TextDeltaJson.TryWrite(json, e))
            {
                JsonSerializer.Serialize(json, e, options);
            }

            json.Flush();
            if (e.Id > 0)
            {
                output.Write(IdPrefix);
                span = output.GetSpan(20);
                Utf8Formatter.TryFormat(e.Id, span, out var digits);
                output.Advance(digits);
            }

            output.Write(End);
        }
    }

    private sealed class StreamResult(SessionEventStream stream, Session session, long? afterId) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => stream.WriteAsync(httpContext, session, afterId);
    }
}
