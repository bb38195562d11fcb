using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Maestro.Core.Chat;
using Maestro.Core.Events;
using Maestro.Core.Turns;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data.Notifications;

/// <summary>
/// Carries session events and turn signals between Maestro processes on one database with LISTEN/NOTIFY, so two
/// instances (or the CLI and the server) show the same live stream. Outgoing events are batched every 100 ms with
/// consecutive text deltas merged: a fast stream costs about ten notifications a second, never one per token.
/// </summary>
public sealed class PostgresNotifier(MaestroDatabase database, ILogger<PostgresNotifier> logger) : IEventBridge, ISignalBridge, IAsyncDisposable
{
    private const string EventsChannel = "maestro_events";
    private const string SignalsChannel = "maestro_signals";

    // NOTIFY payloads must stay under 8000 bytes.
    private const int MaxPayloadBytes = 7600;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(100);

    private readonly string _instance = Guid.NewGuid().ToString("N");
    // Unbounded (lock-free) with a count kept by hand: a bounded channel takes a lock on every write, and Forward runs
    // per token. Past the cap (the database is gone), new events are dropped; viewers on other instances then reload.
    private const int MaxPending = 20_000;
    private readonly Channel<SessionEvent> _outgoing = Channel.CreateUnbounded<SessionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private int _pending;
    private readonly Channel<TurnSignal> _signals = Channel.CreateUnbounded<TurnSignal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _running;
    private int _disposed;

    public static readonly JsonSerializerOptions Json = StreamEvent.JsonOptions;

    public void Forward(SessionEvent e)
    {
        if (Interlocked.Increment(ref _pending) > MaxPending)
        {
            Interlocked.Decrement(ref _pending);
            return;
        }

        _outgoing.Writer.TryWrite(e);
    }

    public void Forward(TurnSignal signal) => _signals.Writer.TryWrite(signal);

    /// <summary>
    /// Starts sending and listening (once the database is up); completes when this process is listening, so nothing
    /// published after that is missed. Safe to call more than once.
    /// </summary>
    public Task StartAsync(SessionEventHub hub, TurnSignals signals, CancellationToken cancellationToken)
    {
        lock (_stop)
        {
            _running ??= Task.WhenAll(
                Task.Run(() => SendLoopAsync(_stop.Token), CancellationToken.None),
                Task.Run(() => SignalLoopAsync(_stop.Token), CancellationToken.None),
                Task.Run(() => ListenLoopAsync(hub, signals, _stop.Token), CancellationToken.None));
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

        _outgoing.Writer.TryComplete();
        _signals.Writer.TryComplete();
        if (_running is not null)
        {
            // Let the last batch go out, then stop listening.
            await Task.Delay(BatchWindow * 2);
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
    }

    private async Task SendLoopAsync(CancellationToken ct)
    {
        var batch = new List<SessionEvent>();
        var run = new StringBuilder();
        while (await WaitAsync(_outgoing.Reader, ct))
        {
            await Task.Delay(BatchWindow, ct).ConfigureAwait(false);
            batch.Clear();
            SessionEvent? pending = null;
            while (_outgoing.Reader.TryRead(out var e))
            {
                Interlocked.Decrement(ref _pending);
                if (pending is not null && Mergeable(pending, e))
                {
                    run.Append(e.Delta!.Text);
                    pending = e;
                    continue;
                }

                Flush(batch, pending, run);
                pending = e;
                run.Clear().Append(e.Delta?.Text);
            }

            Flush(batch, pending, run);

            try
            {
                await using var connection = await database.OpenConnectionAsync(ct);
                foreach (var payload in Payloads(batch))
                {
                    await NotifyAsync(connection, EventsChannel, payload, ct);
                }
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
            while (_signals.Reader.TryRead(out var signal))
            {
                try
                {
                    await using var connection = await database.OpenConnectionAsync(ct);
                    await NotifyAsync(connection, SignalsChannel, JsonSerializer.Serialize(new SignalEnvelope(_instance, signal), Json), ct);
                }
                catch (Exception ex) when (ex is NpgsqlException or Core.Errors.MaestroException)
                {
                    logger.LogWarning("Sending a turn signal failed: {Message}", ex.Message);
                }
            }
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
                await Task.Delay(TimeSpan.FromSeconds(2), ct).ConfigureAwait(false);
            }
        }
    }

    private void Receive(NpgsqlNotificationEventArgs notification, SessionEventHub hub, TurnSignals signals)
    {
        try
        {
            if (notification.Channel == EventsChannel)
            {
                var envelope = JsonSerializer.Deserialize<EventEnvelope>(notification.Payload, Json);
                if (envelope is null || envelope.Instance == _instance)
                {
                    return;
                }

                foreach (var e in envelope.Events)
                {
                    hub.PublishRemote(e);
                }
            }
            else
            {
                var envelope = JsonSerializer.Deserialize<SignalEnvelope>(notification.Payload, Json);
                if (envelope is not null && envelope.Instance != _instance)
                {
                    signals.Deliver(envelope.Signal);
                }
            }
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Ignored a malformed notification on {Channel}: {Message}", notification.Channel, ex.Message);
        }
    }

    /// <summary>Consecutive text (or reasoning) deltas of one message are sent as one delta.</summary>
    private static bool Mergeable(SessionEvent previous, SessionEvent e) =>
        e.Delta is { Type: "text" or "reasoning", HasProtectedData: null } delta &&
        previous.Delta is { HasProtectedData: null } last && last.Type == delta.Type &&
        previous.MessageId == e.MessageId && previous.SessionId == e.SessionId;

    private static void Flush(List<SessionEvent> batch, SessionEvent? pending, StringBuilder run)
    {
        if (pending is null)
        {
            return;
        }

        batch.Add(pending.Delta is { Type: "text" or "reasoning" } delta ? pending with { Delta = delta with { Text = run.ToString() } } : pending);
    }

    private IEnumerable<string> Payloads(List<SessionEvent> batch)
    {
        var current = new List<SessionEvent>();
        var size = 64;
        foreach (var e in batch)
        {
            var one = JsonSerializer.Serialize(e, Json);
            var bytes = Encoding.UTF8.GetByteCount(one);
            var item = e;
            if (bytes > MaxPayloadBytes)
            {
                // Too large to carry (a long tool result or user message): tell remote viewers to reload instead.
                item = e with { Type = SessionEventTypes.SessionChanged, Delta = null, Message = null, Tool = null, Approval = null, Turn = null, Notice = "reload" };
                bytes = 300;
            }

            if (size + bytes > MaxPayloadBytes && current.Count > 0)
            {
                yield return JsonSerializer.Serialize(new EventEnvelope(_instance, current), Json);
                current = [];
                size = 64;
            }

            current.Add(item);
            size += bytes + 1;
        }

        if (current.Count > 0)
        {
            yield return JsonSerializer.Serialize(new EventEnvelope(_instance, current), Json);
        }
    }

    private static async Task NotifyAsync(NpgsqlConnection connection, string channel, string payload, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT pg_notify($1, $2)", connection);
        command.Parameters.AddWithValue(channel);
        command.Parameters.AddWithValue(payload);
        await command.ExecuteNonQueryAsync(ct);
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

    private sealed record EventEnvelope(string Instance, List<SessionEvent> Events);

    private sealed record SignalEnvelope(string Instance, TurnSignal Signal);
}
