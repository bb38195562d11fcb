using Maestro.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Maestro.Cli;

/// <summary>
/// What every command shares: configuration from the environment, the console, and Maestro's services, built on first
/// use so that commands which never touch the database never start it.
/// </summary>
public sealed class CliContext : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Func<bool>? _interrupt;
    private ServiceProvider? _services;

    public CliContext(IConfiguration configuration, IAnsiConsole console, TextWriter stdout, TextReader stdin, bool stdinIsTerminal)
    {
        Configuration = configuration;
        Console = console;
        Stdout = stdout;
        Stdin = stdin;
        StdinIsTerminal = stdinIsTerminal;
    }

    public IConfiguration Configuration { get; }

    /// <summary>Human output: colours and tables when a terminal is attached, plain text otherwise.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Machine output (`--json`) goes here, untouched by markup.</summary>
    public TextWriter Stdout { get; }

    public TextReader Stdin { get; }

    public bool StdinIsTerminal { get; }

    public IServiceProvider Services => _services ??= Build();

    /// <summary>MAESTRO_DEBUG=1: stack traces and the log lines a command normally keeps quiet.</summary>
    public bool Debug => Configuration["MAESTRO_DEBUG"] is "1" or "true";

    /// <summary>Cancelled by Ctrl+C (unless an interrupt handler took it, see <see cref="OnInterrupt"/>).</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>
    /// While <paramref name="handler"/> is registered, Ctrl+C calls it first (e.g. to stop the running turn of a REPL
    /// instead of leaving it); it returns false to let Ctrl+C stop the command as usual.
    /// </summary>
    public IDisposable OnInterrupt(Func<bool> handler)
    {
        _interrupt = handler;
        return new Reset(() => _interrupt = null);
    }

    /// <summary>Called on Ctrl+C.</summary>
    public void Interrupt()
    {
        if (_interrupt?.Invoke() == true)
        {
            return;
        }

        _stopping.Cancel();
    }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            // Releases the embedded database lease; the last process out stops the server.
            await _services.DisposeAsync();
        }

        _stopping.Dispose();
    }

    private sealed class Reset(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration);
        services.AddLogging(logging =>
        {
            MaestroLogging.Configure(logging, Configuration, LogLevel.Warning);
            if (!Debug)
            {
                // A command reports a provider failure once, as its error; the retries before it are noise on a
                // terminal (MAESTRO_DEBUG=1 shows them).
                logging.AddFilter("Maestro.Providers.Retry", LogLevel.Error);
                logging.AddFilter("Polly", LogLevel.Error);
            }
        });
        services.AddMaestro(Configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
        OpenTelemetrySetup.Start(provider);
        return provider;
    }
}
