namespace Maestro.Emulator.Control;

/// <summary>
/// FIFO queues of scripted answers keyed by the credential a request presents, so parallel tests that use
/// different keys never take each other's answers. The <c>*</c> queue is the fallback for any credential.
/// </summary>
internal sealed class ScriptQueues
{
    public const string AnyKey = "*";

    private readonly Dictionary<string, Queue<ScriptedResponse>> _queues = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Enqueue(string key, IEnumerable<ScriptedResponse> responses)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(key, out var queue))
            {
                queue = new Queue<ScriptedResponse>();
                _queues[key] = queue;
            }

            foreach (var response in responses)
            {
                queue.Enqueue(response);
            }

            return queue.Count;
        }
    }

    /// <summary>Takes the next answer for this credential, else the next from the <c>*</c> queue.</summary>
    public bool TryDequeue(string? credential, out ScriptedResponse response)
    {
        lock (_gate)
        {
            if (credential is not null && _queues.TryGetValue(credential, out var own) && own.TryDequeue(out response!))
            {
                return true;
            }

            if (_queues.TryGetValue(AnyKey, out var any) && any.TryDequeue(out response!))
            {
                return true;
            }

            response = null!;
            return false;
        }
    }

    public int Pending(string? key)
    {
        lock (_gate)
        {
            if (key is not null)
            {
                return _queues.TryGetValue(key, out var queue) ? queue.Count : 0;
            }

            var total = 0;
            foreach (var queue in _queues.Values)
            {
                total += queue.Count;
            }

            return total;
        }
    }

    public void Clear(string? key)
    {
        lock (_gate)
        {
            if (key is null)
            {
                _queues.Clear();
            }
            else
            {
                _queues.Remove(key);
            }
        }
    }
}
