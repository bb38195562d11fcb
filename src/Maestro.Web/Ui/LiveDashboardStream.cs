using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Web.Components.Sessions;

namespace Maestro.Web.Ui;

/// <summary>
/// The dashboard's live stream: every session's "streaming" badge, from all sessions' events. A connection first
/// sends every badge as it is now (so a reconnect corrects anything missed), then each change as turns start and end.
/// </summary>
public sealed class LiveDashboardStream(SessionEventHub hub, SessionService sessions, ITurnStore turns, FragmentRenderer renderer, LiveStreamOptions options)
{
    public async IAsyncEnumerable<SseItem<string>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.SubscribeAll();
        var html = new StringBuilder();
        var running = (await turns.RunningAsync(cancellationToken)).Select(t => t.SessionId).ToHashSet();
        foreach (var session in await sessions.ListAsync(cancellationToken))
        {
            html.Append(await BadgeAsync(session.Id, running.Contains(session.Id)));
        }

        yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            html.Clear();
            while (subscription.Reader.TryRead(out var e))
            {
                // Deltas of every session pass through here; they are skipped without any work.
                if (e.Type == SessionEventTypes.TurnStarted)
                {
                    html.Append(await BadgeAsync(e.SessionId, streaming: true));
                }
                else if (e.Type == SessionEventTypes.TurnFinished)
                {
                    html.Append(await BadgeAsync(e.SessionId, streaming: false));
                }
            }

            if (html.Length > 0)
            {
                yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName);
            }
            else if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }
    }

    private Task<string> BadgeAsync(Guid sessionId, bool streaming) =>
        renderer.RenderAsync<SessionStatusBadge>(new Dictionary<string, object?> { ["SessionId"] = sessionId, ["Streaming"] = streaming, ["Oob"] = true });
}
