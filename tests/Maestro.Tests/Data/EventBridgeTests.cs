using Maestro.Core.Chat;
using Maestro.Core.Events;
using Maestro.Data.Notifications;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Data;

/// <summary>
/// Two processes' hubs on one database: what one publishes in a moment goes to the other as a few notifications
/// (NOTIFY payloads are limited to 8000 bytes), sent together; the other receives every event once, in order, and an
/// event too large to carry as a "reload" in its place.
/// </summary>
public sealed class EventBridgeTests(PostgresFixture postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_burst_larger_than_one_notification_arrives_whole_and_in_order_and_an_oversized_event_as_a_reload()
    {
        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "bridge");
        var here = env.Services();
        var there = env.Services();
        await here.StartLiveEventsAsync(Ct);
        await there.StartLiveEventsAsync(Ct);
        await Eventually.UntilAsync(
            () => here.GetRequiredService<PostgresNotifier>().Peers > 0 && there.GetRequiredService<PostgresNotifier>().Peers > 0,
            "the two processes know each other");

        var session = Guid.NewGuid();
        using var subscription = there.GetRequiredService<SessionEventHub>().Subscribe(session);
        var hub = here.GetRequiredService<SessionEventHub>();

        // Notices are never merged: 200 of ~300 bytes are several notifications' worth, published in one window.
        var sent = new List<SessionEvent>();
        for (var i = 0; i < 200; i++)
        {
            if (i == 120)
            {
                sent.Add(hub.Publish(new SessionEvent { SessionId = session, Type = SessionEventTypes.Notice, Notice = new string('x', 9000) }));
            }

            sent.Add(hub.Publish(new SessionEvent { SessionId = session, Type = SessionEventTypes.Notice, Notice = $"notice {i:D3} " + new string('é', 120) }));
        }

        var received = new List<SessionEvent>();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (received.Count < sent.Count)
        {
            received.Add(await subscription.Reader.ReadAsync(timeout.Token));
        }

        received.Select(e => e.Id).ShouldBe(sent.Select(e => e.Id), "every event once, in order");
        for (var i = 0; i < sent.Count; i++)
        {
            if (sent[i].Notice!.Length == 9000)
            {
                received[i].Type.ShouldBe(SessionEventTypes.SessionChanged);
                received[i].Notice.ShouldBe("reload");
            }
            else
            {
                received[i].Type.ShouldBe(SessionEventTypes.Notice);
                received[i].Notice.ShouldBe(sent[i].Notice);
            }
        }
    }
}
