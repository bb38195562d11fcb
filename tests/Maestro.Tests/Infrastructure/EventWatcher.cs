using System.Text;
using System.Text.Json;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// Watches a session's event stream (<c>GET /api/sessions/{s}/events</c>) the way a careful client does: the text of
/// the answer from the snapshot and the text deltas, each delta checked against its offset, so a token lost, repeated
/// or out of order is reported where it happens. Ends at the first turn_finished, or at an idle snapshot after the turn
/// began: a viewer that fell behind gets a snapshot in place of its backlog, and when the turn ended meanwhile the
/// snapshot is idle (the turn_finished went with the backlog), so the watcher reads the turn's outcome and the stored
/// answer instead, as a careful client does.
/// </summary>
public sealed class EventWatcher
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StringBuilder Text { get; } = new();

    public List<string> Problems { get; } = [];

    public string? TurnStatus { get; private set; }

    public int Snapshots { get; private set; }

    /// <summary>The turn ended while this viewer was behind: it learned so from an idle snapshot, not from turn_finished.</summary>
    public bool EndedWhileBehind { get; private set; }

    /// <summary>The status of the message in the last running snapshot ("streaming", or how it ended while the turn went on).</summary>
    public string? SnapshotMessageStatus { get; private set; }

    /// <summary>The length of the text in the last running snapshot.</summary>
    public int SnapshotTextLength { get; private set; }

    /// <summary>The turn being watched (from its turn_started event or a running snapshot).</summary>
    public Guid? TurnId { get; private set; }

    /// <summary>The first event (the snapshot) arrived: the viewer is subscribed.</summary>
    public Task Ready => _ready.Task;

    public static EventWatcher Start(HttpClient http, string session, CancellationToken cancellationToken, out Task running)
    {
        var watcher = new EventWatcher();
        running = watcher.RunAsync(http, session, cancellationToken);
        return watcher;
    }

    /// <summary>Applies one event; true when the turn finished.</summary>
    public bool Apply(SseClient.Event e)
    {
        switch (e.Type)
        {
            case "snapshot":
                Snapshots++;
                _ready.TrySetResult();
                Text.Clear();
                if (e.Data.GetProperty("turn").GetProperty("status").GetString() != "running")
                {
                    EndedWhileBehind = TurnId is not null;
                    return EndedWhileBehind;
                }

                TurnId = e.Data.GetProperty("turn_id").GetGuid();
                SnapshotMessageStatus = e.Data.TryGetProperty("message", out var message) ? message.GetProperty("status").GetString() : null;
                if (e.Data.TryGetProperty("delta", out var snapshot) && snapshot.TryGetProperty("text", out var so))
                {
                    Text.Append(so.GetString());
                }

                SnapshotTextLength = Text.Length;

                return false;
            case "turn_started":
                TurnId = e.Data.GetProperty("turn_id").GetGuid();
                return false;
            case "delta":
                var delta = e.Data.GetProperty("delta");
                if (delta.GetProperty("type").GetString() != "text" || !delta.TryGetProperty("text", out var text))
                {
                    return false;
                }

                if (delta.TryGetProperty("offset", out var offset) && offset.GetInt64() != Text.Length)
                {
                    Problems.Add($"delta at offset {offset.GetInt64()} after {Text.Length} characters (event {e.Id})");
                }

                Text.Append(text.GetString());
                return false;
            case "turn_finished":
                TurnStatus = e.Data.GetProperty("turn").GetProperty("status").GetString();
                return true;
            default:
                return false;
        }
    }

    private async Task RunAsync(HttpClient http, string session, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var e in SseClient.ReadAsync(http, $"/api/sessions/{session}/events", null, cancellationToken))
            {
                if (Apply(e))
                {
                    if (EndedWhileBehind)
                    {
                        await ReadOutcomeAsync(http, session, cancellationToken);
                    }

                    return;
                }
            }

            Problems.Add("the stream ended before the turn finished");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            Problems.Add($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            _ready.TrySetResult();
        }
    }

    /// <summary>What a viewer that resynced after the turn reads: the turn's stored status and its stored answer.</summary>
    private async Task ReadOutcomeAsync(HttpClient http, string session, CancellationToken cancellationToken)
    {
        using var turn = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{session}/turns/{TurnId}", cancellationToken));
        TurnStatus = turn.RootElement.GetProperty("status").GetString();
        Text.Clear().Append((await StoredAnswerAsync(http, session)).Text);
    }

    /// <summary>The text of a session's last stored answer.</summary>
    public static async Task<(string Text, string Status)> StoredAnswerAsync(HttpClient http, string session)
    {
        using var messages = JsonDocument.Parse(await http.GetStringAsync($"/api/sessions/{session}/messages"));
        var answer = messages.RootElement.EnumerateArray().Last(m => m.GetProperty("role").GetString() == "assistant");
        var text = string.Concat(answer.GetProperty("blocks").EnumerateArray()
            .Where(b => b.GetProperty("type").GetString() == "text")
            .Select(b => b.GetProperty("text").GetString()));
        return (text, answer.GetProperty("status").GetString()!);
    }
}
