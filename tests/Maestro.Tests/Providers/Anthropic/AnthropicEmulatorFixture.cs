using Maestro.Emulator;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>One emulator for the Anthropic HTTP tests; each test uses its own key so scripts and recordings stay apart.</summary>
public sealed class AnthropicEmulatorFixture : IAsyncLifetime
{
    public EmulatorServer Server { get; private set; } = null!;

    public Uri BaseUrl => Server.ProviderUrl("anthropic");

    public async ValueTask InitializeAsync() =>
        Server = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();

    public static string NewKey() => $"anthropic-test-{Guid.NewGuid():N}";
}
