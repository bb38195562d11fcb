using Maestro.Core.Auths;
using Maestro.Core.Events;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Maestro.Core.Usage;
using Maestro.Emulator;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// Everything a session test needs: its own database, the provider emulator, one auth per provider pointing at the
/// emulator (each with its own key, so scripts never leak between tests), a working directory, and Maestro's services.
/// </summary>
public sealed class SessionTestBed : IAsyncDisposable
{
    public static readonly IReadOnlyDictionary<string, string> Models = new Dictionary<string, string>
    {
        ["anthropic"] = "claude-sonnet-4-5",
        ["openai"] = "gpt-4.1",
        ["gemini"] = "gemini-2.5-flash",
    };

    private SessionTestBed(MaestroTestEnvironment env, EmulatorServer emulator, IServiceProvider services, string workdir)
    {
        Env = env;
        Emulator = emulator;
        Services = services;
        Workdir = workdir;
    }

    public MaestroTestEnvironment Env { get; }

    public EmulatorServer Emulator { get; }

    public IServiceProvider Services { get; }

    public string Workdir { get; }

    public Dictionary<string, string> Keys { get; } = [];

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <param name="emulatorOptions">The emulator's settings (HTTP/2, say); the defaults when null.</param>
    /// <param name="services">Changes to Maestro's services, applied last.</param>
    public static async Task<SessionTestBed> CreateAsync(
        PostgresFixture postgres, string label, EmulatorOptions? emulatorOptions = null, Action<IServiceCollection>? services = null)
    {
        var env = await MaestroTestEnvironment.CreateAsync(postgres, label);
        var emulator = await EmulatorServer.StartAsync(emulatorOptions ?? new EmulatorOptions());
        var bed = new SessionTestBed(env, emulator, env.Services(services), TestHome.Create(label + "-work"));
        foreach (var provider in Models.Keys)
        {
            var key = $"key-{label}-{provider}-{Guid.NewGuid():N}";
            bed.Keys[provider] = key;
            await bed.Get<AuthService>().CreateApiKeyAsync(provider, "bed", key, emulator.ProviderUrl(provider).ToString(), CancellationToken.None);
        }

        return bed;
    }

    public Task<Session> CreateSessionAsync(string provider, string name, SessionSpec? extra = null) =>
        Get<SessionService>().CreateAsync((extra ?? new SessionSpec()) with
        {
            Name = name,
            Auth = $"{provider}/bed",
            Model = extra?.Model ?? Models[provider],

            // The emulator's scripted models (synthetic:…, fixture:…) are served but never listed.
            ForceModel = extra?.ForceModel == true || extra?.Model?.Contains(':', StringComparison.Ordinal) == true,
            WorkingDirectory = extra?.WorkingDirectory ?? Workdir,
        }, CancellationToken.None);

    public void Script(string provider, params ScriptedResponse[] responses) => Emulator.Control.Enqueue(Keys[provider], responses);

    public IReadOnlyList<RecordedRequest> Requests(string provider) => Emulator.Control.Requests(Keys[provider]);

    /// <summary>Runs a turn to its end, collecting every event of the session meanwhile.</summary>
    public async Task<(TurnOutcome Outcome, List<SessionEvent> Events)> RunTurnAsync(Session session, string text, IApprovalHandler? approvals = null)
    {
        using var subscription = Get<SessionEventHub>().Subscribe(session.Id);
        var handle = await Get<TurnEngine>().StartAsync(session.Id, new TurnInput(text), approvals ?? Get<WaitForDecision>(), CancellationToken.None);
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromMinutes(2));

        // The usage ledger is written behind the turn; the bed stands for another process than the web server a test
        // reads reports from, and a report only flushes its own process's queue.
        await Get<UsageWriteBehind>().FlushAsync(CancellationToken.None);
        var events = new List<SessionEvent>();
        while (subscription.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        return (outcome, events);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Env.DisposeAsync();
        TestHome.Delete(Workdir);
    }
}
