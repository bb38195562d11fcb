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
        Quotas = new QuotaBook();
        RequestLog = new RequestLog();
        Fixtures = new FixtureLibrary();
        OAuth = new OAuth.EmulatedAuthorizationServer(options.TimeProvider);
        Credentials = new CredentialPolicy(options.ApiKeys, OAuth);
        Resolver = new ScenarioResolver(Scripts, options);
        Recorder = new RequestRecorder(RequestLog, options.TimeProvider);
        Holds = new HoldGates();
        Control = new EmulatorControl(Scripts, RequestLog, Quotas, Holds);
    }

    public EmulatorOptions Options { get; }

    /// <summary>Signalled when the server stops, so stalled streams let go.</summary>
    public CancellationToken Stopping { get; }

    public TimeProvider Time => Options.TimeProvider;

    public ScriptQueues Scripts { get; }

    public RequestLog RequestLog { get; }

    /// <summary>The quota each credential reports.</summary>
    public QuotaBook Quotas { get; }

    /// <summary>The gates scripted streams wait at until a test releases them.</summary>
    public HoldGates Holds { get; }

    public FixtureLibrary Fixtures { get; }

    public CredentialPolicy Credentials { get; }

    /// <summary>The emulated authorization servers; the access tokens they issue are honoured by <see cref="Credentials"/>.</summary>
    public OAuth.EmulatedAuthorizationServer OAuth { get; }

    public ScenarioResolver Resolver { get; }

    public RequestRecorder Recorder { get; }

    public EmulatorControl Control { get; }
}
