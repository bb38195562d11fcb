using Maestro.Emulator.Control;
using Maestro.Emulator.Scenarios;

namespace Maestro.Emulator.Hosting;

/// <summary>The shared pieces every endpoint uses; built once per server by <see cref="EmulatorServer"/>.</summary>
internal sealed class EmulatorServices
{
    public EmulatorServices(EmulatorOptions options, CancellationToken stopping)
    {
        Options = options;
        Stopping = stopping;
        Scripts = new ScriptQueues();
        RequestLog = new RequestLog();
        Fixtures = new FixtureLibrary();
        Credentials = new CredentialPolicy(options.ApiKeys);
        Resolver = new ScenarioResolver(Scripts, options);
        Recorder = new RequestRecorder(RequestLog, options.TimeProvider);
        Control = new EmulatorControl(Scripts, RequestLog);
    }

    public EmulatorOptions Options { get; }

    /// <summary>Signalled when the server stops, so stalled streams let go.</summary>
    public CancellationToken Stopping { get; }

    public TimeProvider Time => Options.TimeProvider;

    public ScriptQueues Scripts { get; }

    public RequestLog RequestLog { get; }

    public FixtureLibrary Fixtures { get; }

    public CredentialPolicy Credentials { get; }

    public ScenarioResolver Resolver { get; }

    public RequestRecorder Recorder { get; }

    public EmulatorControl Control { get; }
}
