using System.Text.Json;

namespace Maestro.Tests.Cli;

/// <summary>
/// The runtime settings the `maestro` host ships with (its runtimeconfig.json, which the release and the CLI processes
/// of these tests run with): each was measured with `bench load` and is explained in bench/README.md, and losing one
/// silently would cost every server that much CPU.
/// </summary>
public sealed class HostRuntimeSettingsTests
{
    [Fact]
    public void The_host_runs_without_dynamic_PGO_and_with_thread_pool_workers_that_sleep_instead_of_spinning()
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "maestro.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        properties.GetProperty("System.Runtime.TieredPGO").GetBoolean().ShouldBeFalse();
        properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32().ShouldBe(0);
    }
}
