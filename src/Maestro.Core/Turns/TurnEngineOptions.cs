namespace Maestro.Core.Turns;

public sealed class TurnEngineOptions
{
    /// <summary>How often a streaming answer is saved, so a crash loses at most this much (MAESTRO_PERSIST_INTERVAL_MS).</summary>
    public TimeSpan PersistInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A provider's stream is read at most once per tick of a process-wide clock with this interval once it had to wait
    /// for the network (MAESTRO_STREAM_READ_MS, default 100 ms; 0 reads every token as it comes): tokens arriving
    /// meanwhile are handled together. See <see cref="PacedUpdates"/>.
    /// </summary>
    public TimeSpan ReadCadence { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// How long an answer's final state and a turn's end are kept and written again while the database refuses them for
    /// a passing reason (busy, restarting, a lost connection), before the answer is marked failed.
    /// </summary>
    public TimeSpan SavePatience { get; init; } = Errors.BusyRetry.DefaultPatience;

    /// <summary>How often a running turn proves its process is alive.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A running turn whose heartbeat is older than this belongs to a process that stopped.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Default round limit when a session does not set one (MAESTRO_ROUND_LIMIT).</summary>
    public int DefaultRoundLimit { get; init; } = Sessions.SessionSettings.DefaultRoundLimit;
}

/// <summary>The input of a turn: new text (and attachments), or a re-run of the thread's last user message.</summary>
public sealed record TurnInput(string? Text, IList<Microsoft.Extensions.AI.AIContent>? Attachments = null, bool ResubmitLast = false);

public sealed record TurnHandle(Guid TurnId, Guid SessionId, Guid ThreadId, Task<TurnOutcome> Completion);

public sealed record TurnOutcome(TurnStatus Status, int Rounds, Microsoft.Extensions.AI.UsageDetails? Usage, string? Error);

/// <summary>
/// What a viewer that (re)connects needs to show a turn in progress: the message being written so far, or the one it
/// last finished (<paramref name="MessageStatus"/> says which) while the turn goes on or its end is saved.
/// </summary>
public sealed record LiveTurn(Guid TurnId, Guid? MessageId, string Text, long AsOfEventId, Conversations.MessageStatus MessageStatus);
