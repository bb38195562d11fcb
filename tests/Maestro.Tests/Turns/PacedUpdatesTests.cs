using Maestro.Core.Events;
using Maestro.Core.Providers.Http;
using Maestro.Core.Turns;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Turns;

/// <summary>
/// How a provider's stream is read against the pacing clock: the first token after a quiet spell is handed on at once,
/// and afterwards the stream is read once per tick, so the tokens of a tick reach the turn together. Each test uses its
/// own long interval, so "within one tick" holds even on a loaded machine.
/// </summary>
public sealed class PacedUpdatesTests
{
    [Fact]
    public async Task The_first_token_comes_at_once_and_what_follows_waits_for_the_next_tick()
    {
        var interval = TimeSpan.FromMilliseconds(1009);
        var clock = PacingClock.Every(interval);
        var network = new ScriptedStream();
        await using var updates = new PacedUpdates(network, interval).GetAsyncEnumerator();

        var first = updates.MoveNextAsync();
        first.IsCompleted.ShouldBeFalse("nothing has arrived yet");
        network.Arrive("a");
        (await first).ShouldBeTrue();
        updates.Current.Text.ShouldBe("a");
        var quietTick = clock.Tick;

        // Already here, yet read at the next tick: the reads after a wake-up wait for the clock.
        network.Arrive("b");
        var second = updates.MoveNextAsync();
        second.IsCompleted.ShouldBeFalse("the stream is read again at the next tick");
        (await second).ShouldBeTrue();
        updates.Current.Text.ShouldBe("b");
        clock.Tick.ShouldBeGreaterThan(quietTick);
    }

    [Fact]
    public async Task A_token_arriving_in_the_tick_its_stream_was_read_waits_for_the_next_tick_with_those_after_it()
    {
        var interval = TimeSpan.FromMilliseconds(1019);
        var clock = PacingClock.Every(interval);
        var network = new ScriptedStream();
        await using var updates = new PacedUpdates(network, interval).GetAsyncEnumerator();

        var first = updates.MoveNextAsync();
        network.Arrive("a");
        (await first).ShouldBeTrue();
        network.Arrive("b");
        (await updates.MoveNextAsync()).ShouldBeTrue();
        updates.Current.Text.ShouldBe("b");
        var readAt = clock.Tick;

        // The buffer is empty: the next read waits for the network, and what it brings in this tick waits for the next.
        var third = updates.MoveNextAsync();
        await network.ReadPending.WaitAsync(TimeSpan.FromSeconds(30));
        network.Arrive("c");
        (await third).ShouldBeTrue();
        updates.Current.Text.ShouldBe("c");
        clock.Tick.ShouldBeGreaterThan(readAt);

        // What came meanwhile is read right away, in the same batch.
        network.Arrive("d");
        var fourth = updates.MoveNextAsync();
        fourth.IsCompleted.ShouldBeTrue();
        (await fourth).ShouldBeTrue();
        updates.Current.Text.ShouldBe("d");

        var end = updates.MoveNextAsync();
        await network.ReadPending.WaitAsync(TimeSpan.FromSeconds(30));
        network.End();
        (await end).ShouldBeFalse();
    }

    [Fact]
    public async Task A_stream_that_breaks_while_waiting_fails_the_awaited_move_and_can_still_be_disposed()
    {
        var interval = TimeSpan.FromMilliseconds(1021);
        var network = new ScriptedStream();
        var updates = new PacedUpdates(network, interval).GetAsyncEnumerator();

        // Several waits in a row go through the same reusable source.
        foreach (var token in new[] { "a", "b", "c" })
        {
            var move = updates.MoveNextAsync();
            await network.ReadPending.WaitAsync(TimeSpan.FromSeconds(30));
            network.Arrive(token);
            (await move).ShouldBeTrue();
            updates.Current.Text.ShouldBe(token);
        }

        var broken = updates.MoveNextAsync();
        await network.ReadPending.WaitAsync(TimeSpan.FromSeconds(30));
        network.Fail(new IOException("connection reset"));
        (await Should.ThrowAsync<IOException>(broken.AsTask())).Message.ShouldBe("connection reset");
        await updates.DisposeAsync();
    }

    [Fact]
    public async Task An_update_with_nothing_to_show_does_not_hold_back_the_first_token()
    {
        var interval = TimeSpan.FromMilliseconds(30_023);
        var network = new ScriptedStream();
        await using var updates = new PacedUpdates(network, interval).GetAsyncEnumerator();

        // The ids before any content (Anthropic's message_start), alone in the first read.
        var first = updates.MoveNextAsync();
        network.Arrive(null);
        (await first).ShouldBeTrue();
        updates.Current.Contents.ShouldBeEmpty();

        network.Arrive("a");
        var second = updates.MoveNextAsync();
        second.IsCompleted.ShouldBeTrue("the first token goes out at once, not at the next tick");
        (await second).ShouldBeTrue();
        updates.Current.Text.ShouldBe("a");
    }

    [Fact]
    public async Task Reads_after_the_first_ask_the_connection_to_pace_them_and_once_it_does_the_stream_adds_no_wait_of_its_own()
    {
        var interval = TimeSpan.FromMilliseconds(30_019);
        var network = new ScriptedStream { Engages = true };
        await using var updates = new PacedUpdates(network, interval).GetAsyncEnumerator();

        // The first read sends the request and reads the headers: never paced.
        network.Arrive("a");
        (await updates.MoveNextAsync()).ShouldBeTrue();
        network.Arrive("b");
        (await updates.MoveNextAsync()).ShouldBeTrue();
        updates.Current.Text.ShouldBe("b");

        // The connection paces from here on: a token it hands on after a wait goes to the turn at once, and so does
        // what came with it, instead of waiting for another tick.
        var third = updates.MoveNextAsync();
        await network.ReadPending.WaitAsync(TimeSpan.FromSeconds(30));
        network.Arrive("c");
        (await third.AsTask().WaitAsync(TimeSpan.FromSeconds(20))).ShouldBeTrue();
        updates.Current.Text.ShouldBe("c");
        network.Arrive("d");
        var fourth = updates.MoveNextAsync();
        fourth.IsCompleted.ShouldBeTrue("the connection already waited for the clock");
        (await fourth).ShouldBeTrue();
        updates.Current.Text.ShouldBe("d");

        network.PacingSeen.Select(p => p?.Clock).ShouldBe([null, PacingClock.Every(interval), PacingClock.Every(interval), PacingClock.Every(interval)]);
        TransportPacing.Current.ShouldBeNull("the pacing is set only for the duration of a read");
    }

    /// <summary>A provider stream whose tokens the test delivers: buffered ones are read at once, others when they arrive.</summary>
    private sealed class ScriptedStream : IAsyncEnumerable<ChatResponseUpdate>, IAsyncEnumerator<ChatResponseUpdate>
    {
        private readonly Lock _lock = new();
        private readonly Queue<string?> _buffered = new();
        private TaskCompletionSource<bool>? _pending;
        private TaskCompletionSource _readPending = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ChatResponseUpdate Current { get; private set; } = null!;

        /// <summary>Whether this stream paces its reads when asked, as an HTTP/1.1 provider connection does.</summary>
        public bool Engages { get; init; }

        /// <summary>The pacing each read was asked for.</summary>
        public List<TransportPacing?> PacingSeen { get; } = [];

        /// <summary>Completes when a read is waiting for the network.</summary>
        public Task ReadPending
        {
            get
            {
                lock (_lock)
                {
                    return _readPending.Task;
                }
            }
        }

        public IAsyncEnumerator<ChatResponseUpdate> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        /// <summary>A token, or (null) an update without contents.</summary>
        public void Arrive(string? token)
        {
            TaskCompletionSource<bool>? waiting;
            lock (_lock)
            {
                waiting = _pending;
                _pending = null;
                if (waiting is null)
                {
                    _buffered.Enqueue(token);
                    return;
                }

                Current = Update(token);
                _readPending = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            waiting.SetResult(true);
        }

        public void Fail(Exception error)
        {
            TaskCompletionSource<bool>? waiting;
            lock (_lock)
            {
                waiting = _pending;
                _pending = null;
            }

            waiting?.SetException(error);
        }

        public void End()
        {
            TaskCompletionSource<bool>? waiting;
            lock (_lock)
            {
                waiting = _pending;
                _pending = null;
            }

            waiting?.SetResult(false);
        }

        public ValueTask<bool> MoveNextAsync()
        {
            PacingSeen.Add(TransportPacing.Current);
            if (Engages && TransportPacing.Current is { } pacing)
            {
                pacing.Engaged = true;
            }

            lock (_lock)
            {
                if (_buffered.TryDequeue(out var token))
                {
                    Current = Update(token);
                    return ValueTask.FromResult(true);
                }

                _pending = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                _readPending.TrySetResult();
                return new ValueTask<bool>(_pending.Task);
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private static ChatResponseUpdate Update(string? token) =>
            token is null ? new ChatResponseUpdate { Role = ChatRole.Assistant } : new ChatResponseUpdate(ChatRole.Assistant, token);
    }
}
