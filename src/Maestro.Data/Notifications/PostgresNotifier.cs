using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Maestro.Core.Chat;
using Maestro.Core.Diagnostics;
using Maestro.Core.Events;
using Maestro.Core.Turns;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data.Notifications;

/// <summary>
/// Carries session events and turn signals between Maestro processes on one database with LISTEN/NOTIFY, so two
/// instances (or the CLI and the server) show the same live stream. Forwarding a token costs an enqueue; every 100 ms
/// the queue goes out as a few notifications, consecutive text deltas of a message merged into one (with the first
/// one's offset, so a remote viewer still places every character exactly once, in order). Processes greet each other
/// on start and beat every few seconds: a process alone on the database sends no events at all.
/// </summary>
public sealed class PostgresNotifier(MaestroDatabase database, LoadCounters counters, ILogger<PostgresNotifier> logger)
    : IEventBridge, ISignalBridge, IAsyncDisposable
{
    private const string EventsChannel = "maestro_events";
    private const string SignalsChannel = "maestro_signals";

    // NOTIFY payloads must stay under 8000 bytes; a merged text run is cut well below that.
    private const int MaxPayloadBytes = 7600;
    private const int MaxRunChars = 1500;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PresenceInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(35);

    // A newcomer sends for this long before its peers have answered its greeting.
    private static readonly TimeSpan StartGrace = TimeSpan.FromSeconds(3);

    // Past this many waiting events (the database is gone), new ones are dropped; viewers elsewhere then reload.
    private const int MaxPending = 200_000;

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<SessionEvent> _outgoing = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ConcurrentDictionary<string, long> _peers = new(StringComparer.Ordinal);
    private readonly Channel<SignalEnvelope> _signals = Channel.CreateUnbounded<SignalEnvelope>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _pending;
    private int _armed = 1;
    private long _graceUntil;
    private Task? _running;
    private Task? _signalLoop;
    private int _disposed;

    public static readonly JsonSerializerOptions Json = StreamEvent.JsonOptions;

    /// <summary>Other Maestro processes heard from recently.</summary>
    public int Peers => _peers.Count;

    public void Forward(SessionEvent e)
    {
        // Not listening (a CLI command without live events), or alone on the database: nobody to tell.
        if (_running is null || !HasAudience())
        {
            return;
        }

        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            counters.BridgeDrop();
            return;
        }

        _outgoing.Enqueue(e);
        if (Volatile.Read(ref _armed) == 1 && Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _wake.Release();
        }
    }

    public void Forward(TurnSignal signal) => _signals.Writer.TryWrite(new SignalEnvelope(_instance, signal, null));

    /// <summary>
    /// Starts sending and listening (once the database is up); completes when this process is listening, so nothing
    /// published after that is missed. Safe to call more than once.
    /// </summary>
    public Task StartAsync(SessionEventHub hub, TurnSignals signals, CancellationToken cancellationToken)
    {
        lock (_stop)
        {
            if (_running is null)
            {
                Volatile.Write(ref _graceUntil, Environment.TickCount64 + (long)StartGrace.TotalMilliseconds);
                _signalLoop = Task.Run(() => SignalLoopAsync(_stop.Token), CancellationToken.None);
                _running = Task.WhenAll(
                    Task.Run(() => SendLoopAsync(_stop.Token), CancellationToken.None),
                    _signalLoop,
                    Task.Run(() => PresenceLoopAsync(_stop.Token), CancellationToken.None),
                    Task.Run(() => ListenLoopAsync(hub, signals, _stop.Token), CancellationToken.None));
            }
        }

        return _listening.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Registered under three service types, so the container disposes it three times.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_running is not null)
        {
            // The signal loop ends once it has sent what is queued, the goodbye last; stopping then makes the send loop
            // send the events it holds at once and the listener let go. Waiting for the loops rather than for a fixed
            // batch window keeps shutdown as short as the work left.
            _signals.Writer.TryWrite(new SignalEnvelope(_instance, null, Presence.Bye));
            _signals.Writer.TryComplete();
            try
            {
                await _signalLoop!.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }

            await _stop.CancelAsync();
            try
            {
                await _running.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
            {
            }
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private bool HasAudience() => !_peers.IsEmpty || Environment.TickCount64 < Volatile.Read(ref _graceUntil);

    private async Task SendLoopAsync(CancellationToken ct)
    {
        var batch = new List<SessionEvent>();
        var run = new StringBuilder();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(ct);
                await Task.Delay(BatchWindow, ct);
            }
            catch (OperationCanceledException)
            {
                // Disposing: what is queued still goes out below.
            }

            Volatile.Write(ref _armed, 1);
            batch.Clear();
            SessionEvent? first = null, last = null;
            while (_outgoing.TryDequeue(out var e))
            {
                Interlocked.Decrement(ref _pending);
                if (last is not null && Mergeable(last, e) && run.Length + e.Delta!.Text!.Length <= MaxRunChars)
                {
                    run.Append(e.Delta.Text);
                    last = e;
                    continue;
                }

                Flush(batch, first, last, run);
                first = last = e;
                run.Clear().Append(e.Delta?.Text);
            }

            Flush(batch, first, last, run);
            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                // All of the window's payloads in one round trip and one transaction: PostgreSQL delivers a transaction's
                // notifications together at its commit, in the order sent (never merged: each carries other event ids).
                await using var connection = await database.OpenConnectionAsync(CancellationToken.None);
                await using var notify = new NpgsqlBatch(connection);
                foreach (var payload in Payloads(batch))
                {
                    notify.BatchCommands.Add(Notification(EventsChannel, payload));
                }

                await notify.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or Core.Errors.MaestroException)
            {
                logger.LogWarning("Sending live events to other Maestro instances failed: {Message}", ex.Message);
            }
        }
    }

    private async Task SignalLoopAsync(CancellationToken ct)
    {
        while (await WaitAsync(_signals.Reader, ct))
        {
            while (_signals.Reader.TryRead(out var envelope))
            {
                try
                {
                    await using var connection = await database.OpenConnectionAsync(ct);
                    await NotifyAsync(connection, SignalsChannel, JsonSerializer.Serialize(envelope, Json), ct);
                }
                catch (Exception ex) when (ex is NpgsqlException or Core.Errors.MaestroException)
                {
                    logger.LogWarning("Sending a turn signal failed: {Message}", ex.Message);
                }
            }
        }
    }

    /// <summary>Greets the other processes once listening, then says it is still here every few seconds.</summary>
    private async Task PresenceLoopAsync(CancellationToken ct)
    {
        try
        {
            await _listening.Task.WaitAsync(ct);
            _signals.Writer.TryWrite(new SignalEnvelope(_instance, null, Presence.Hello));
            using var timer = new PeriodicTimer(PresenceInterval);
            while (await timer.WaitForNextTickAsync(ct))
            {
                _signals.Writer.TryWrite(new SignalEnvelope(_instance, null, Presence.Here));
                var cutoff = Environment.TickCount64 - (long)PeerTimeout.TotalMilliseconds;
                foreach (var (peer, seen) in _peers)
                {
                    if (seen < cutoff)
                    {
                        _peers.TryRemove(new KeyValuePair<string, long>(peer, seen));
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ListenLoopAsync(SessionEventHub hub, TurnSignals signals, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                connection.Notification += (_, n) => Receive(n, hub, signals);
                await using (var listen = new NpgsqlCommand($"LISTEN {EventsChannel}; LISTEN {SignalsChannel};", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                _listening.TrySetResult();

                while (!ct.IsCancellationRequested)
                {
                    await connection.WaitAsync(ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or Core.Errors.MaestroException or IOException)
            {
                logger.LogWarning("Listening for other Maestro instances failed ({Message}); retrying.", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Receive(NpgsqlNotificationEventArgs notification, SessionEventHub hub, TurnSignals signals)
    {
        try
        {
            if (notification.Channel == EventsChannel)
            {
                // Our own batches come back too: recognised by their first bytes, never parsed.
                if (IsOwn(notification.Payload))
                {
                    return;
                }

                var envelope = JsonSerializer.Deserialize<EventEnvelope>(notification.Payload, Json);
                if (envelope is null || envelope.Instance == _instance)
                {
                    return;
                }

                _peers[envelope.Instance] = Environment.TickCount64;
                foreach (var e in envelope.Events)
                {
                    hub.PublishRemote(e);
                }
            }
            else
            {
                var envelope = JsonSerializer.Deserialize<SignalEnvelope>(notification.Payload, Json);
                if (envelope is null || envelope.Instance == _instance)
                {
                    return;
                }

                OnPresence(envelope);
                if (envelope.Signal is { } signal)
                {
                    signals.Deliver(signal);
                }
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored a malformed notification on {Channel}: {Message}", notification.Channel, ex.Message);
        }
    }

    private void OnPresence(SignalEnvelope envelope)
    {
        switch (envelope.Presence)
        {
            case Presence.Bye:
                _peers.TryRemove(envelope.Instance, out _);
                break;
            case Presence.Hello:
                // A newcomer: tell it at once that this process is here too.
                _peers[envelope.Instance] = Environment.TickCount64;
                _signals.Writer.TryWrite(new SignalEnvelope(_instance, null, Presence.Here));
                break;
            default:
                _peers[envelope.Instance] = Environment.TickCount64;
                break;
        }
    }

    private bool IsOwn(string payload)
    {
        const string prefix = "{\"instance\":\"";
        return payload.Length > prefix.Length + _instance.Length &&
            payload.StartsWith(prefix, StringComparison.Ordinal) &&
            string.CompareOrdinal(payload, prefix.Length, _instance, 0, _instance.Length) == 0;
    }

    /// <summary>Consecutive text (or reasoning) deltas of one message are sent as one delta.</summary>
    private static bool Mergeable(SessionEvent previous, SessionEvent e) =>
        e.Delta is { Type: "text" or "reasoning", HasProtectedData: null, Text: not null } delta &&
        previous.Delta is { HasProtectedData: null } last && last.Type == delta.Type &&
        previous.MessageId == e.MessageId && previous.SessionId == e.SessionId;

    private static void Flush(List<SessionEvent> batch, SessionEvent? first, SessionEvent? last, StringBuilder run)
    {
        if (first is null || last is null)
        {
            return;
        }

        batch.Add(ReferenceEquals(first, last) || first.Delta is not { Type: "text" or "reasoning" }
            ? last
            : SessionEvent.TextRun(first, last, run.ToString()));
    }

    /// <summary>
    /// The batch as envelopes of at most <see cref="MaxPayloadBytes"/>: each event serialized once, straight into the
    /// envelope it goes in (its size is known once written).
    /// </summary>
    private List<string> Payloads(List<SessionEvent> batch)
    {
        var payloads = new List<string>();
        var prefix = Encoding.UTF8.GetBytes($$"""{"instance":"{{_instance}}","events":[""");
        var envelope = new ArrayBufferWriter<byte>(MaxPayloadBytes);
        var one = new ArrayBufferWriter<byte>(1024);
        using var writer = new Utf8JsonWriter(one);
        var count = 0;
        foreach (var e in batch)
        {
            one.ResetWrittenCount();
            writer.Reset(one);
            JsonSerializer.Serialize(writer, e, Json);
            if (one.WrittenCount > MaxPayloadBytes - prefix.Length - 2)
            {
                // Too large to carry (a long tool result or user message): tell remote viewers to reload instead.
                one.ResetWrittenCount();
                writer.Reset(one);
                JsonSerializer.Serialize(writer, e with
                {
                    Type = SessionEventTypes.SessionChanged,
                    Delta = null,
                    Message = null,
                    Tool = null,
                    Approval = null,
                    Turn = null,
                    Notice = "reload",
                }, Json);
            }

            if (count > 0 && envelope.WrittenCount + 1 + one.WrittenCount + 2 > MaxPayloadBytes)
            {
                payloads.Add(Close(envelope));
                count = 0;
            }

            if (count == 0)
            {
                envelope.ResetWrittenCount();
                envelope.Write(prefix);
            }
            else
            {
                envelope.Write(","u8);
            }

            envelope.Write(one.WrittenSpan);
            count++;
        }

        if (count > 0)
        {
            payloads.Add(Close(envelope));
        }

        return payloads;

        static string Close(ArrayBufferWriter<byte> envelope)
        {
            envelope.Write("]}"u8);
            return Encoding.UTF8.GetString(envelope.WrittenSpan);
        }
    }

    private static NpgsqlBatchCommand Notification(string channel, string payload)
    {
        var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        command.Parameters.Add(new NpgsqlParameter { Value = payload });
        return command;
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, string channel, string payload, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { Notification(channel, payload) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    private static async Task<bool> WaitAsync<T>(ChannelReader<T> reader, CancellationToken ct)
    {
        try
        {
            return await reader.WaitToReadAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static class Presence
    {
        public const string Hello = "hello";
        public const string Here = "here";
        public const string Bye = "bye";
    }

    private sealed record EventEnvelope(string Instance, List<SessionEvent> Events);

    private sealed record SignalEnvelope(string Instance, TurnSignal? Signal, string? Presence);
}
