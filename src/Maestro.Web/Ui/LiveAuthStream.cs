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
/// An OAuth auth's page, live: whenever the auth changes (the background refresher, another tab's "Refresh now", a new
/// login, a refused refresh token — in this process or another instance), its status badge and token line as they are now.
/// </summary>
public sealed class LiveAuthStream(SessionEventHub hub, AuthService auths, FragmentRenderer renderer, LiveStreamOptions options)
{
    public async IAsyncEnumerable<SseItem<string>> ReadAsync(AuthRef auth, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // OAuth events are published with no session; subscribed before the first read, so no change is missed.
        using var subscription = hub.Subscribe(Guid.Empty);
        var name = auth.ToString();
        var first = await RenderAsync(auth, null, cancellationToken);
        yield return new SseItem<string>(first ?? "", LiveChatStream.EventName) { ReconnectionInterval = options.Retry };

        var connected = Stopwatch.StartNew();
        while (first is not null && !cancellationToken.IsCancellationRequested && connected.Elapsed < options.MaxDuration)
        {
            var ready = await LiveChatStream.WaitAsync(subscription.Reader, options.KeepAlive, cancellationToken);
            AuthChangedNotice? latest = null;
            while (subscription.Reader.TryRead(out var e))
            {
                if (e.Type == OAuthEvents.AuthChanged && AuthChangedNotice.Parse(e.Notice) is { } notice && notice.Auth == name)
                {
                    latest = notice;
                }
            }

            if (latest is not null && await RenderAsync(auth, latest, cancellationToken) is { } html)
            {
                yield return new SseItem<string>(html, LiveChatStream.EventName);
            }
            else if (!ready)
            {
                yield return new SseItem<string>("", "ping");
            }
        }
    }

    /// <summary>The auth as stored now, as the latest event says it is (null once deleted).</summary>
    private async Task<string?> RenderAsync(AuthRef auth, AuthChangedNotice? notice, CancellationToken cancellationToken)
    {
        AuthView view;
        try
        {
            view = AuthView.From(await auths.GetAsync(auth, cancellationToken)).With(notice);
        }
        catch (NotFoundException)
        {
            return null;
        }

        return await renderer.RenderAsync<AuthStateUpdate>(new Dictionary<string, object?> { ["Auth"] = view });
    }
}
