using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using Maestro.Core.Auths;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Web.Api;
using Maestro.Web.Components.Sessions;
using Maestro.Web.Components.Shared;

namespace Maestro.Web.Ui;

/// <summary>
/// The dashboard's live stream: the "streaming" badge of each session on the page shown, the auth table when an auth's
/// OAuth state changes (a login, a refresh, a refused refresh token), and an auth's badge alone when its health does (a
/// Test, a refused key: the Test's result beside it stays). A connection first sends the page's badges and the auth table
/// as they are now (so a reconnect corrects anything missed), then each change as turns start and end, and the nav badge
/// of approvals waiting. It carries state changes only, never tokens: the hub gives dashboard subscribers no deltas.
/// </summary>
public sealed class LiveDashboardStream(
    SessionEventHub hub, SessionService sessions, ITurnStore turns, AuthService auths, FragmentRenderer renderer, InboxFragments inbox, LiveStreamOptions options)
{
    public async IAsyncEnumerable<SseItem<string>> ReadAsync(int page, SessionFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var subscription = hub.SubscribeAll();
        var html = new StringBuilder();
        var running = (await turns.RunningAsync(cancellationToken)).Select(t => t.SessionId).ToHashSet();
        var shown = new HashSet<Guid>();
        foreach (var session in (await sessions.PageAsync(page, SessionPage.DefaultSize, filter, cancellationToken)).Sessions)
        {
            shown.Add(session.Id);
            html.Append(await BadgeAsync(session.Id, running.Contains(session.Id)));
        }

        // The auth table as it is now: an auth added or changed between the page's render and this connection (a login
        // finished in another tab a moment after the dashboard opened) would otherwise stay missing until the next change.
        html.Append(await AuthTableAsync(new(StringComparer.Ordinal), cancellationToken));
        await inbox.AppendBadgeAsync(html, hub.LastId);

        yield return new SseItem<string>(LiveChatStream.Data(html), LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (!cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            html.Clear();
            Dictionary<string, AuthChangedNotice>? authChanges = null;
            HashSet<Guid>? healthChanges = null;
            long inboxChanged = 0;
            while (subscription.Reader.TryRead(out var e))
            {
                if (e.Type is SessionEventTypes.ApprovalRequested or SessionEventTypes.ApprovalResolved)
                {
                    inboxChanged = e.Id;
                }

                // Badges of sessions on other pages would have nowhere to go.
                if (e.Type == SessionEventTypes.TurnStarted && shown.Contains(e.SessionId))
                {
                    html.Append(await BadgeAsync(e.SessionId, streaming: true));
                }
                else if (e.Type == SessionEventTypes.TurnFinished && shown.Contains(e.SessionId))
                {
                    html.Append(await BadgeAsync(e.SessionId, streaming: false));
                }
                else if (e.Type == OAuthEvents.AuthChanged && AuthChangedNotice.Parse(e.Notice) is { } notice)
                {
                    (authChanges ??= new(StringComparer.Ordinal))[notice.Auth] = notice;
                }
                else if (AuthHealthEvents.AuthOf(e) is { } authId)
                {
                    // A Test or a call changed an auth's health: the stored state says how.
                    (healthChanges ??= []).Add(authId);
                }
            }

            if (authChanges is not null)
            {
                html.Append(await AuthTableAsync(authChanges, cancellationToken));
            }
            else if (healthChanges is not null)
            {
                await AppendAuthBadgesAsync(html, healthChanges, cancellationToken);
            }

            if (inboxChanged > 0)
            {
                await inbox.AppendBadgeAsync(html, inboxChanged);
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

    /// <summary>The whole table (one query per batch of changes), each auth as its latest event says it is.</summary>
    private async Task<string> AuthTableAsync(Dictionary<string, AuthChangedNotice> changes, CancellationToken cancellationToken)
    {
        var list = new List<AuthView>();
        foreach (var record in await auths.ListAsync(null, cancellationToken))
        {
            var view = AuthView.From(record);
            list.Add(view.With(changes.GetValueOrDefault(view.Ref)));
        }

        return await renderer.RenderAsync<AuthTable>(new Dictionary<string, object?> { ["Auths"] = list, ["Oob"] = true });
    }

    /// <summary>The badge of each auth whose health changed, as stored now (one query per batch of changes).</summary>
    private async Task AppendAuthBadgesAsync(StringBuilder html, HashSet<Guid> changed, CancellationToken cancellationToken)
    {
        foreach (var record in await auths.ListAsync(null, cancellationToken))
        {
            if (changed.Contains(record.Id))
            {
                html.Append(await renderer.RenderAsync<AuthRowStatus>(new Dictionary<string, object?> { ["Auth"] = AuthView.From(record) }));
            }
        }
    }

    private Task<string> BadgeAsync(Guid sessionId, bool streaming) =>
        renderer.RenderAsync<SessionStatusBadge>(new Dictionary<string, object?> { ["SessionId"] = sessionId, ["Streaming"] = streaming, ["Oob"] = true });
}
