using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Web.Api;
using Maestro.Web.Components.Auths;

namespace Maestro.Web.Ui;

/// <summary>
/// An auth's status badge, live, wherever a page shows it (the auth's page, the sign-in page that renews it): whenever the
/// auth changes (the background refresher, another tab's "Refresh now" or Test, a new login, a refused refresh token, a
/// call refused or unreachable or fine again — in this process or another instance), its badge and, for an OAuth auth on
/// its own page, its token line as they are now. The first update corrects anything that changed before the page connected.
/// </summary>
public sealed class LiveAuthStream(SessionEventHub hub, AuthService auths, FragmentRenderer renderer, LiveStreamOptions options)
{
    /// <param name="badgeOnly">The page shows the badge alone (no token line to update).</param>
    public async IAsyncEnumerable<SseItem<string>> ReadAsync(AuthRef auth, bool badgeOnly, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Auth events are published with no session; subscribed before the first read, so no change is missed.
        using var subscription = hub.Subscribe(Guid.Empty);
        var name = auth.ToString();
        var first = await ReadAsync(auth, cancellationToken);
        yield return new SseItem<string>(first is null ? "" : await RenderAsync(first, null, badgeOnly), LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (first is not null && !cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            AuthChangedNotice? latest = null;
            var changed = false;
            while (subscription.Reader.TryRead(out var e))
            {
                if (e.Type == OAuthEvents.AuthChanged && AuthChangedNotice.Parse(e.Notice) is { } notice && notice.Auth == name)
                {
                    latest = notice;
                    changed = true;
                }
                else if (AuthHealthEvents.AuthOf(e) == first.Id)
                {
                    changed = true;
                }
            }

            if (changed && await ReadAsync(auth, cancellationToken) is { } now)
            {
                yield return new SseItem<string>(await RenderAsync(now, latest, badgeOnly), LiveChatStream.EventName);
            }
            else if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }
    }

    /// <summary>The auth as stored now (null once deleted).</summary>
    private async Task<AuthRecord?> ReadAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        try
        {
            return await auths.GetAsync(auth, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>As the latest OAuth event says it is ("refreshing" is announced, never stored).</summary>
    private Task<string> RenderAsync(AuthRecord auth, AuthChangedNotice? notice, bool badgeOnly) =>
        renderer.RenderAsync<AuthStateUpdate>(new Dictionary<string, object?> { ["Auth"] = AuthView.From(auth).With(notice), ["BadgeOnly"] = badgeOnly });
}
