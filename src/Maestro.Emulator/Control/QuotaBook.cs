namespace Maestro.Emulator.Control;

/// <summary>The quota each credential reports (<c>*</c>: any credential without its own); <see cref="EmulatedQuota.Default"/> otherwise.</summary>
internal sealed class QuotaBook
{
    private readonly Dictionary<string, EmulatedQuota> _quotas = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Set(string key, EmulatedQuota quota)
    {
        lock (_gate)
        {
            _quotas[key] = quota;
        }
    }

    /// <summary>Forgets the quota of <paramref name="key"/>, or of every credential when null.</summary>
    public void Clear(string? key)
    {
        lock (_gate)
        {
            if (key is null)
            {
                _quotas.Clear();
            }
            else
            {
                _quotas.Remove(key);
            }
        }
    }

    public EmulatedQuota For(string? credential)
    {
        lock (_gate)
        {
            return credential is not null && _quotas.TryGetValue(credential, out var own) ? own
                : _quotas.TryGetValue(ScriptQueues.AnyKey, out var any) ? any
                : EmulatedQuota.Default;
        }
    }
}
