using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Maestro.Core.Events;

namespace Maestro.Web.Ui;

/// <summary>
/// The inbox's live stream: the nav badge's count and, for the Approvals page, the list of pending approvals, sent
/// as they are now when a connection starts and again whenever an approval is asked or decided in any session (of
/// any instance). A page that has a live stream of its own (chat, dashboard) gets the badge on that one instead.
/// </summary>
public sealed class LiveInboxStream(SessionEventHub hub, InboxFragments fragments, LiveStreamOptions options)
{
    public async IAsyncEnumerable<SseItem<string>> ReadAsync(bool list, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.SubscribeInbox();
        var html = new StringBuilder();
        await AppendAsync(html, list, hub.LastId, cancellationToken);
        yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            long latest = 0;
            while (subscription.Reader.TryRead(out var e))
            {
                latest = e.Id;
            }

            if (subscription.TakeOverflow())
            {
                latest = hub.LastId;
            }

            html.Clear();
            if (latest > 0)
            {
                await AppendAsync(html, list, latest, cancellationToken);
                yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName);
            }
            else if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }
    }

    private async Task AppendAsync(StringBuilder html, bool list, long asOf, CancellationToken cancellationToken)
    {
        await fragments.AppendBadgeAsync(html, asOf);
        if (list)
        {
            await fragments.AppendListAsync(html, cancellationToken);
        }
    }
}
