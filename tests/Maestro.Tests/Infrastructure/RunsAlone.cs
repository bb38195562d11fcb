namespace Maestro.Tests.Infrastructure;

/// <summary>
/// Tests that must not share the process with other tests' servers: xUnit runs this collection after every parallel
/// one has finished. The OpenTelemetry SDK listens to meters by name, so each test server's "Maestro" meter feeds the
/// same metric stream; when another server shuts down mid-test its meter's completion retires that shared stream and
/// later measurements are never exported. One server per process is how Maestro runs, and how these tests run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "Runs alone";
}
