using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// A registered service with a record of every call made to it (method and arguments), passed on to the real one: for
/// tests that check what a path reads, not only what it ends up with.
/// </summary>
public class RecordingService<T> : DispatchProxy where T : class
{
    private T _inner = null!;

    public ConcurrentQueue<(string Method, object?[] Arguments)> Calls { get; } = new();

    internal void Attach(T inner) => _inner = inner;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        Calls.Enqueue((targetMethod.Name, args ?? []));
        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }
}
