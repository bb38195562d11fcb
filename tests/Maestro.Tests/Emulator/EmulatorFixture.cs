using Maestro.Emulator;

namespace Maestro.Tests.Emulator;

/// <summary>One emulator per test class; tests isolate themselves with their own credentials.</summary>
public sealed class EmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    public async ValueTask InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A credential no other test uses, so scripts and recorded requests stay apart.</summary>
    public static string NewKey(string prefix = "test") => $"{prefix}-{Guid.NewGuid():N}";
}
