using System.Collections.Concurrent;

namespace Maestro.Emulator.Control;

/// <summary>
/// Named gates a scripted stream can wait at (<see cref="ScriptedResponse.Hold"/>), so a test checks what a client shows
/// mid-answer and then lets the answer finish, instead of racing a paced stream. A release is remembered: a stream that
/// reaches its gate after the release goes straight through.
/// </summary>
internal sealed class HoldGates
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    public Task WaitAsync(string gate, CancellationToken cancellationToken) => Gate(gate).Task.WaitAsync(cancellationToken);

    public void Release(string gate) => Gate(gate).TrySetResult();

    /// <summary>Forgets every gate; streams waiting at one are let go first.</summary>
    public void Clear()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        _gates.Clear();
    }

    private TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
