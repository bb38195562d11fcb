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

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            // Releases the embedded database lease; the last process out stops the server.
            await _services.DisposeAsync();
        }
    }

    private ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Configuration);
        services.AddLogging(logging => MaestroLogging.Configure(logging, Configuration, LogLevel.Warning));
        services.AddMaestro(Configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = false });
    }
}
