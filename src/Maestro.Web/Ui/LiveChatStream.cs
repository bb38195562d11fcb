using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Maestro.Core.Diagnostics;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;

namespace Maestro.Web.Ui;

/// <summary>
/// The chat's live stream for one browser tab: session events turned into HTML fragments for htmx's SSE extension
/// (event "html", out-of-band swaps by id). A connection starts from the page's (or the last received) event id and
/// first re-renders a message still being written from the turn's snapshot; text deltas carry their offset, so what
/// the viewer already has is skipped — nothing is lost or shown twice. Deltas are coalesced: at most one update of a
/// streaming message per <see cref="LiveStreamOptions.Throttle"/>, appending completed Markdown blocks and replacing
/// only the tail. Each update carries the id of the last event it fully reflects.
/// </summary>
/// <remarks>The same stream carries the nav badge (approvals waiting in any session), so a chat tab holds one connection.</remarks>
public sealed class LiveChatStream(
    SessionEventHub hub, TurnSnapshots snapshots, ChatFragments fragments, InboxFragments inbox, LiveStreamOptions options, LoadCounters counters)
{
    public const string EventName = "html";

    public async IAsyncEnumerable<SseItem<string>> ReadAsync(Session session, long? afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded: a tab that stops reading (asleep, on a dead network) is resynced from a snapshot, not buffered for.
        using var subscription = hub.Subscribe(session.Id, afterId, SubscriptionOptions.Viewer with { KeepAlive = false, Inbox = true });
        using var counted = counters.Viewer("ui");
        var viewer = new ChatViewer(session.Id, fragments);
        var html = new StringBuilder();
        if (subscription.Gap)
        {
            // Too far behind to replay: the conversation's last page, as stored now.
            html.Append(await fragments.ConversationAsync(session, cancellationToken));
        }

        var join = await ResetAsync(viewer, html, session.Id, cancellationToken);
        await inbox.AppendBadgeAsync(html, hub.LastId);
        yield return new SseItem<string>(Data(html), EventName) { ReconnectionInterval = options.Retry };

        var reader = subscription.Reader;
        var connected = Stopwatch.StartNew();
        var sinceFlush = Stopwatch.StartNew();
        long acknowledged = 0, processed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = viewer.HasPending ? options.Throttle - sinceFlush.Elapsed : options.KeepAlive;
            var ready = await WaitAsync(reader, wait, cancellationToken);
            html.Clear();
            long inboxChanged = 0;
            if (subscription.TakeOverflow())
            {
                inboxChanged = hub.LastId;
                // Fell too far behind: the conversation as stored, then the turn in progress from a fresh snapshot.
                viewer = new ChatViewer(session.Id, fragments);
                html.Append(await fragments.ConversationAsync(session, cancellationToken));
                join = await ResetAsync(viewer, html, session.Id, cancellationToken);
            }

            while (reader.TryRead(out var e))
            {
                if (e.Type == SessionEventTypes.Delta)
                {
                    processed = e.Id;
                    if (join.LeavesGapBefore(e) && await snapshots.MissingDeltaAsync(join.Coverage, e, cancellationToken) is { } missing)
                    {
                        // The turn runs in another instance, heard here only after its last save: the text between,
                        // read back once saved, or the message could not go on (it would show only once finished).
                        viewer.Apply(missing);
                    }

                    viewer.Apply(e);
                    continue;
                }

                if (e.Type is SessionEventTypes.ApprovalRequested or SessionEventTypes.ApprovalResolved)
                {
                    inboxChanged = e.Id;
                    if (e.SessionId != session.Id)
                    {
                        // Another session's approval: only the badge follows it (and the stream's resume point stays this session's).
                        continue;
                    }
                }

                processed = e.Id;

                // Everything before this event is shown first, in order.
                viewer.Flush(html);
                await viewer.OnEventAsync(html, e, cancellationToken);
                acknowledged = processed;
                sinceFlush.Restart();
            }

            if (viewer.HasPending && sinceFlush.Elapsed >= options.Throttle)
            {
                viewer.Flush(html);
                acknowledged = processed;
                sinceFlush.Restart();
            }

            if (inboxChanged > 0)
            {
                await inbox.AppendBadgeAsync(html, inboxChanged);
            }

            if (html.Length > 0)
            {
                yield return new SseItem<string>(Data(html), EventName)
                {
                    EventId = acknowledged > 0 ? acknowledged.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                };
            }
            else if (!ready && !viewer.HasPending)
            {
                yield return new SseItem<string>("", "ping");
            }

            if (connected.Elapsed >= options.MaxDuration && !viewer.HasPending)
            {
                // The browser reconnects from the last id it received and continues exactly there.
                yield break;
            }
        }
    }

    /// <summary>Renders the turn in progress from a fresh snapshot; what that snapshot covers is watched for a gap.</summary>
    private async Task<SnapshotJoin> ResetAsync(ChatViewer viewer, StringBuilder html, Guid sessionId, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.TakeAsync(sessionId, cancellationToken);
        await viewer.ResetAsync(html, snapshot, cancellationToken);
        return new SnapshotJoin(SnapshotCoverage.Of(snapshot));
    }

    /// <summary>Waits for an event for at most <paramref name="timeout"/>; false when none came.</summary>
    internal static async Task<bool> WaitAsync(ChannelReader<SessionEvent> reader, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (reader.TryPeek(out _))
        {
            return true;
        }

        if (timeout <= TimeSpan.Zero)
        {
            return false;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await reader.WaitToReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>A lone CR would end an SSE line early in the browser; fragments never need one.</summary>
    internal static string Data(StringBuilder html) => html.Replace("\r", "").ToString();
}
