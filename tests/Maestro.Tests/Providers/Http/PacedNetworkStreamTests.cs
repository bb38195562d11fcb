using System.Net;
using System.Net.Sockets;
using System.Text;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.Http;

/// <summary>
/// The provider connection's socket stream on a real loopback connection: reads nobody paces go straight to the
/// socket; a paced read that follows one which emptied the socket in the current tick waits for the next tick and takes
/// everything that arrived meanwhile in one receive. Each test uses its own long interval, so "within one tick" holds
/// even on a loaded machine; a test that sees the clock tick at the wrong moment tries again.
/// </summary>
public sealed class PacedNetworkStreamTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Provider_connections_are_made_through_it()
    {
        var home = TestHome.Create("paced-connections");
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MAESTRO_HOME"] = home }).Build();
            var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
            Maestro.Web.Hosting.MaestroServices.AddMaestro(services, configuration);
            await using var provider = services.BuildServiceProvider();

            // The handler the factory builds for provider clients, down to the network.
            var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(ProviderConnections.HttpClientName);
            while (handler is DelegatingHandler outer)
            {
                handler = outer.InnerHandler.ShouldNotBeNull();
            }

            handler.ShouldBeOfType<SocketsHttpHandler>().ConnectCallback.ShouldBe(PacedNetworkStream.ConnectAsync);
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task Reads_nobody_paces_go_straight_to_the_socket()
    {
        await using var pair = await SocketPair.OpenAsync();
        var buffer = new byte[64];

        pair.Send("a");
        (await pair.ReadAsync(buffer)).ShouldBe(1);
        pair.Send("b");
        await pair.ArrivedAsync(1);
        var second = pair.ReadAsync(buffer);
        second.IsCompleted.ShouldBeTrue("the data is there and nobody paces this read");
        (await second).ShouldBe(1);
        buffer[0].ShouldBe((byte)'b');
    }

    [Fact]
    public async Task After_a_read_that_emptied_the_socket_the_next_paced_read_waits_for_the_tick_and_takes_all_that_came()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(1031));
        var pacing = new TransportPacing(clock);
        await using var pair = await SocketPair.OpenAsync();
        var buffer = new byte[64];

        for (var attempt = 0; ; attempt++)
        {
            await pair.DrainAsync(pacing, buffer);
            pacing.Engaged.ShouldBeTrue();
            var drainedAt = clock.Tick;

            // Two more tokens, each sent on its own, both already in the socket.
            pair.Send("b");
            pair.Send("cd");
            await pair.ArrivedAsync(3);
            var next = pair.ReadAsync(buffer, pacing);
            if (clock.Tick != drainedAt && attempt < 3)
            {
                // The clock ticked between the two reads, so the second one rightly went to the socket: try again.
                await next;
                continue;
            }

            next.IsCompleted.ShouldBeFalse("the socket was emptied in this tick, so the next read waits for the clock");
            (await next).ShouldBe(3);
            Encoding.ASCII.GetString(buffer, 0, 3).ShouldBe("bcd");
            clock.Tick.ShouldBeGreaterThan(drainedAt);
            return;
        }
    }

    [Fact]
    public async Task The_first_paced_read_of_a_tick_waits_for_the_network_not_the_clock()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(30_011));
        var pacing = new TransportPacing(clock);
        await using var pair = await SocketPair.OpenAsync();
        var buffer = new byte[64];

        var read = pair.ReadAsync(buffer, pacing);
        read.IsCompleted.ShouldBeFalse("nothing has arrived yet");
        pair.Send("a");
        (await read.AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task A_read_that_filled_its_buffer_is_followed_at_once()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(30_013));
        var pacing = new TransportPacing(clock);
        await using var pair = await SocketPair.OpenAsync();
        var buffer = new byte[4];

        pair.Send("abcdef");
        await pair.ArrivedAsync(6);
        (await pair.ReadAsync(buffer, pacing)).ShouldBe(4);
        var rest = pair.ReadAsync(buffer, pacing);
        rest.IsCompleted.ShouldBeTrue("a full buffer says nothing about what is left in the socket");
        (await rest).ShouldBe(2);
    }

    [Fact]
    public async Task An_unpaced_read_in_between_forgets_that_the_socket_was_emptied()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(30_017));
        var pacing = new TransportPacing(clock);
        await using var pair = await SocketPair.OpenAsync();
        var buffer = new byte[64];

        await pair.DrainAsync(pacing, buffer);
        pair.Send("b");
        await pair.ArrivedAsync(1);
        (await pair.ReadAsync(buffer)).ShouldBe(1);

        // The next response on a reused connection: its first paced read is not held for the last one's tick.
        pair.Send("c");
        await pair.ArrivedAsync(1);
        var read = pair.ReadAsync(buffer, pacing);
        read.IsCompleted.ShouldBeTrue();
        (await read).ShouldBe(1);
    }

    [Fact]
    public async Task The_end_of_the_stream_and_a_dispose_during_the_wait_reach_the_reader()
    {
        var clock = PacingClock.Every(TimeSpan.FromMilliseconds(1033));
        var pacing = new TransportPacing(clock);
        var buffer = new byte[64];

        await using (var pair = await SocketPair.OpenAsync())
        {
            await pair.DrainAsync(pacing, buffer);
            pair.Close();
            (await pair.ReadAsync(buffer, pacing)).ShouldBe(0);
        }

        await using (var pair = await SocketPair.OpenAsync())
        {
            await pair.DrainAsync(pacing, buffer);
            var waiting = pair.ReadAsync(buffer, pacing);

            // How a cancelled request ends its connection: the waiting read fails at the tick instead of hanging.
            await pair.Stream.DisposeAsync();
            await Should.ThrowAsync<ObjectDisposedException>(waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(20), Ct));
        }
    }

    /// <summary>A loopback TCP connection: the client end is read through a <see cref="PacedNetworkStream"/>.</summary>
    private sealed class SocketPair : IAsyncDisposable
    {
        private readonly Socket _server;

        private SocketPair(Socket server, Stream stream)
        {
            _server = server;
            Stream = stream;
        }

        public Stream Stream { get; }

        public static async Task<SocketPair> OpenAsync()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var accept = listener.AcceptSocketAsync(Ct);
            var stream = await PacedNetworkStream.ConnectAsync(new DnsEndPoint("127.0.0.1", port), Ct);
            var server = await accept;
            server.NoDelay = true;
            return new SocketPair(server, stream);
        }

        public void Send(string text) => _server.Send(Encoding.ASCII.GetBytes(text));

        /// <summary>Reads as a paced turn would (with <paramref name="pacing"/>) or as anything else does.</summary>
        public ValueTask<int> ReadAsync(byte[] buffer, TransportPacing? pacing = null)
        {
            TransportPacing.Current = pacing;
            try
            {
                return Stream.ReadAsync(buffer, Ct);
            }
            finally
            {
                TransportPacing.Current = null;
            }
        }

        /// <summary>A token read as soon as it arrived: the socket is left empty in this tick.</summary>
        public async Task DrainAsync(TransportPacing pacing, byte[] buffer)
        {
            Send("a");
            await ArrivedAsync(1);
            var read = ReadAsync(buffer, pacing);
            read.IsCompleted.ShouldBeTrue();
            (await read).ShouldBe(1);
        }

        public void Close() => _server.Shutdown(SocketShutdown.Send);

        /// <summary>Waits until the client's socket holds <paramref name="count"/> unread bytes.</summary>
        public Task ArrivedAsync(int count) =>
            Eventually.UntilAsync(() => ((NetworkStream)Stream).Socket.Available >= count, $"{count} bytes to arrive", interval: TimeSpan.FromMilliseconds(5));

        public async ValueTask DisposeAsync()
        {
            await Stream.DisposeAsync();
            _server.Dispose();
        }
    }
}
