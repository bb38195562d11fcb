using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;

namespace Maestro.Web.Api;

/// <summary>
/// A session's live events for one viewer. A new viewer (or one whose missed events are no longer kept) first gets a
/// "snapshot" of the turn in progress — the message written so far — then every later event; a viewer that
/// reconnects with Last-Event-ID gets exactly the events it missed. Nothing is lost or repeated.
/// </summary>
public sealed class SessionEventStream(SessionEventHub hub, TurnSnapshots snapshots)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public async IAsyncEnumerable<SseItem<SessionEvent>> ReadAsync(Session session, long? afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.Subscribe(session.Id, afterId);
        long skipUpTo = 0;
        if (afterId is null || subscription.Gap)
        {
            var snapshot = await snapshots.TakeAsync(session.Id, cancellationToken);
            skipUpTo = snapshot.Id;
            yield return Item(snapshot, TurnSnapshots.Type);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var next = await subscription.NextAsync(KeepAlive, cancellationToken);
            if (cancellationToken.IsCancellationRequested)
            {
                yield break;
            }

            // Quiet for a while: a ping keeps proxies from closing the connection and shows the viewer it is live.
            if (next is null)
            {
                yield return new SseItem<SessionEvent>(new SessionEvent { SessionId = session.Id, Type = "ping" }, "ping");
                continue;
            }

            // Deltas already contained in the snapshot's text are not sent twice.
            if (next.Type == SessionEventTypes.Delta && next.Id <= skipUpTo)
            {
                continue;
            }

            yield return Item(next, next.Type);
        }
    }

    private static SseItem<SessionEvent> Item(SessionEvent e, string type) =>
        new(e, type) { EventId = e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
