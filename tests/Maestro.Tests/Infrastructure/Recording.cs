using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Infrastructure;

/// <summary>Puts a <see cref="RecordingService{T}"/> in front of a registered service.</summary>
public static class Recording
{
    /// <summary>Wraps the service as registered; the recorder is returned once the service is first made.</summary>
    public static Func<RecordingService<T>> Install<T>(IServiceCollection services) where T : class
    {
        var registered = services.Last(d => d.ServiceType == typeof(T));
        services.Remove(registered);
        RecordingService<T>? recorder = null;
        services.AddSingleton(provider =>
        {
            var proxy = DispatchProxyOf<T>();
            recorder = (RecordingService<T>)(object)proxy;
            recorder.Attach(registered.ImplementationInstance as T
                ?? registered.ImplementationFactory?.Invoke(provider) as T
                ?? (T)ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
            return proxy;
        });
        return () => recorder ?? throw new InvalidOperationException($"The {typeof(T).Name} has not been made yet.");
    }

    private static T DispatchProxyOf<T>() where T : class => System.Reflection.DispatchProxy.Create<T, RecordingService<T>>();
}
