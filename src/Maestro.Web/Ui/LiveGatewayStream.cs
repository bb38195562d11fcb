using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Maestro.Core.Events;
using Maestro.Gateway.Events;
using Maestro.Web.Api;
using Maestro.Web.Components.Gateway;

namespace Maestro.Web.Ui;

/// <summary>
/// The Gateway page, live: when usage is written (about once a second while keys are used, from any instance) the key
/// table with this month's requests and spend; when keys or routes change, the route and auth tables too. A connection
/// first sends the tables as they are now, so a reconnect corrects anything missed. Forms are never replaced from here:
/// what the user is typing stays.
/// </summary>
public sealed class LiveGatewayStream(SessionEventHub hub, GatewayViews views, FragmentRenderer renderer, LiveStreamOptions options)
{
    public async IAsyncEnumerable<SseItem<string>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Subscribed before the first read, so no change is missed.
        using var subscription = hub.Subscribe(GatewayEvents.Channel);
        var html = new StringBuilder();
        await RenderAsync(html, everything: true, cancellationToken);
        yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            bool usage = false, changed = false;
            while (subscription.Reader.TryRead(out var e))
            {
                changed |= e.Type == GatewayEvents.Changed;
                usage |= e.Type == GatewayEvents.UsageWritten;
            }

            if (changed || usage)
            {
                html.Clear();
                await RenderAsync(html, everything: changed, cancellationToken);
                yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName);
            }
            else if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }
    }

    private async Task RenderAsync(StringBuilder html, bool everything, CancellationToken cancellationToken)
    {
        var overview = await views.OverviewAsync(cancellationToken);
        html.Append(await renderer.RenderAsync<GatewayKeyTable>(new Dictionary<string, object?> { ["Keys"] = overview.Keys, ["Oob"] = true }));
        if (everything)
        {
            html.Append(await renderer.RenderAsync<GatewayRouteTable>(new Dictionary<string, object?> { ["Routes"] = overview.Routes, ["Oob"] = true }));
            html.Append(await renderer.RenderAsync<GatewayAuthTable>(new Dictionary<string, object?> { ["Auths"] = overview.Auths, ["Oob"] = true }));
        }
    }
}
