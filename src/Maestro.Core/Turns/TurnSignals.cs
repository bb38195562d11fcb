using System.Collections.Immutable;

namespace Maestro.Core.Turns;

/// <summary>
/// Small control messages between processes about running turns: an approval was decided, a stop was requested.
/// Delivered in this process at once and, through a bridge (PostgreSQL NOTIFY), to the process running the turn.
/// </summary>
public sealed class TurnSignals(ISignalBridge? bridge = null)
{
    private ImmutableArray<Action<TurnSignal>> _listeners = [];

    public void Send(TurnSignal signal)
    {
        Deliver(signal);
        bridge?.Forward(signal);
    }

    /// <summary>A signal from another process.</summary>
    public void Deliver(TurnSignal signal)
    {
        foreach (var listener in _listeners)
        {
            listener(signal);
        }
    }

    public IDisposable Listen(Action<TurnSignal> listener)
    {
        ImmutableInterlocked.Update(ref _listeners, l => l.Add(listener));
        return new Unlisten(() => ImmutableInterlocked.Update(ref _listeners, l => l.Remove(listener)));
    }

    private sealed class Unlisten(Action action) : IDisposable
    {
        public void Dispose() => action();
    }
}

public sealed record TurnSignal(string Kind, Guid Id)
{
    public const string ApprovalDecided = "approval_decided";
    public const string CancelRequested = "cancel_requested";
}

public interface ISignalBridge
{
    void Forward(TurnSignal signal);
}
