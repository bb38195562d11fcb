using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Web.Components.OAuth;

namespace Maestro.Web.Ui;

/// <summary>
/// The sign-in page's live stream for one login: whenever the login moves on (an <c>oauth_flow</c> event, from this
/// process or another instance), its status line and next steps as stored now. A connection first corrects a status that
/// changed since the page (or the last update) showed it; once the login is over it sends <see cref="DoneEvent"/>.
/// </summary>
public sealed class LiveLoginStream(SessionEventHub hub, OAuthLoginService logins, FragmentRenderer renderer, LiveStreamOptions options)
{
    /// <summary>The page's <c>sse-close</c> event: the login ended, nothing more will come.</summary>
    public const string DoneEvent = "done";

    public async IAsyncEnumerable<SseItem<string>> ReadAsync(Guid flowId, string? shownStatus, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribed before reading the login, so a change in between is not missed.
        using var subscription = hub.Subscribe(Guid.Empty);
        var flow = await logins.GetAsync(flowId, cancellationToken);
        var shown = shownStatus;
        var first = flow.Status.ToWire() == shown ? "" : await RenderAsync(flow);
        shown = flow.Status.ToWire();
        yield return new SseItem<string>(first, LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (!flow.Status.IsFinal() && !cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            var moved = false;
            while (subscription.Reader.TryRead(out var e))
            {
                moved |= e.Type == OAuthEvents.FlowChanged && OAuthFlowNotice.Parse(e.Notice)?.FlowId == flowId;
            }

            if (moved)
            {
                // As stored now: events can arrive late or out of order; the stored login is the truth.
                flow = await ReadAsync(flowId, flow, cancellationToken);
                if (flow.Status.ToWire() != shown)
                {
                    shown = flow.Status.ToWire();
                    yield return new SseItem<string>(await RenderAsync(flow), LiveChatStream.EventName);
                    continue;
                }
            }

            if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }

        if (flow.Status.IsFinal())
        {
            // Nothing more will happen: the page closes its EventSource on this event instead of reconnecting.
            yield return new SseItem<string>("", DoneEvent);
        }
    }

    private async Task<OAuthFlow> ReadAsync(Guid flowId, OAuthFlow last, CancellationToken cancellationToken)
    {
        try
        {
            return await logins.GetAsync(flowId, cancellationToken);
        }
        catch (NotFoundException)
        {
            return last;
        }
    }

    private Task<string> RenderAsync(OAuthFlow flow) =>
        renderer.RenderAsync<LoginFlowUpdate>(new Dictionary<string, object?> { ["Flow"] = flow, ["Oob"] = true });
}
