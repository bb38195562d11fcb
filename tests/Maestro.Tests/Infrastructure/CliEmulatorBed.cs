using Maestro.Emulator;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// What the CLI tests that chat start from: a fresh Maestro home on the test database, a provider emulator, and one
/// API-key auth, <c>anthropic/emu</c>, added with <c>maestro auth add</c> as a user would.
/// </summary>
public sealed class CliEmulatorBed : IAsyncDisposable
{
    private CliEmulatorBed(MaestroTestEnvironment env, EmulatorServer emulator)
    {
        Env = env;
        Emulator = emulator;
    }

    public MaestroTestEnvironment Env { get; }

    public EmulatorServer Emulator { get; }

    /// <param name="name">Names the test's home and database.</param>
    /// <param name="key">The auth's API key: the emulator's scripted answers are queued under it.</param>
    public static async Task<CliEmulatorBed> StartAsync(PostgresFixture postgres, string name, string key)
    {
        var bed = new CliEmulatorBed(
            await MaestroTestEnvironment.CreateAsync(postgres, name), await EmulatorServer.StartAsync(new EmulatorOptions()));
        var add = await CliRunner.RunAsync(bed.Env.Settings,
            ["auth", "add", "anthropic", "emu", "--api-key-stdin", "--base-url", bed.Emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString()], key);
        add.ExitCode.ShouldBe(0, add.ToString());
        return bed;
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Env.DisposeAsync();
    }
}
