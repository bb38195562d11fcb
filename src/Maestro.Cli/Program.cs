using System.CommandLine;
using Maestro.Cli;
using Maestro.Cli.Commands;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
Invocation.Configure(configuration["MAESTRO_INVOKED_AS"]);
var console = AnsiConsole.Create(new AnsiConsoleSettings
{
    Out = new AnsiConsoleOutput(Console.Out),
    // Respect NO_COLOR and pipes: colours only on a terminal.
    Ansi = Console.IsOutputRedirected || configuration["NO_COLOR"] is { Length: > 0 } ? AnsiSupport.No : AnsiSupport.Detect,
    Interactive = Console.IsInputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
});
if (Console.IsOutputRedirected)
{
    // In a file or a pipe there is no screen to fit: lines (URLs, commands, table rows) stay whole instead of
    // wrapping at Spectre's default 80 columns.
    console.Profile.Width = 4096;
}

await using var context = new CliContext(configuration, console, Console.Out, Console.In, !Console.IsInputRedirected);
var root = new RootCommand("""
    Maestro: many LLM conversations and agents across Anthropic, OpenAI, Gemini and OpenAI-compatible endpoints.

    Data lives in $MAESTRO_HOME (default ~/.local/share/maestro) with an embedded PostgreSQL, or in DATABASE_URL.
    Start with: maestro auth add <provider> <name> --api-key-stdin, then maestro serve (http://127.0.0.1:4000; it
    prints a one-time sign-in link). The web UI and the API need the access token: see maestro access --help.
    """);
Func<CliContext> ctx = () => context;
root.Subcommands.Add(AuthCommands.Create(ctx));
root.Subcommands.Add(ProviderCommands.Create(ctx));
root.Subcommands.Add(ModelsCommand.Create(ctx));
root.Subcommands.Add(PriceCommands.Create(ctx));
root.Subcommands.Add(SettingsCommands.Create(ctx));
root.Subcommands.Add(ChatCommand.Create(ctx));
root.Subcommands.Add(McpCommands.Create(ctx));
root.Subcommands.Add(E2eCommand.Create(ctx));
root.Subcommands.Add(SessionCommands.Create(ctx));
root.Subcommands.Add(ApprovalsCommand.Create(ctx));
root.Subcommands.Add(AttachCommand.Create(ctx));
root.Subcommands.Add(PromptCommands.Create(ctx));
root.Subcommands.Add(RouteCommands.Create(ctx));
root.Subcommands.Add(KeyCommands.Create(ctx));
root.Subcommands.Add(ServeCommand.Create(ctx));
root.Subcommands.Add(AccessCommands.Create(ctx));
root.Subcommands.Add(EmulateCommand.Create(ctx));
root.Subcommands.Add(BackupCommand.Create(ctx));
root.Subcommands.Add(RestoreCommand.Create(ctx));
root.Subcommands.Add(MigrateCommand.Create(ctx));
root.Subcommands.Add(SecretsCommands.Create(ctx));
VersionAction.Install(root);
Invocation.RewriteHelp(root);

var debug = configuration["MAESTRO_DEBUG"] is "1" or "true";

// Ctrl+C: the first one stops what runs (a turn in a REPL, or the command) cleanly; a second one within two seconds
// leaves at once.
var lastInterrupt = DateTime.MinValue;
Console.CancelKeyPress += (_, e) =>
{
    if (DateTime.UtcNow - lastInterrupt < TimeSpan.FromSeconds(2))
    {
        return;
    }

    e.Cancel = true;
    lastInterrupt = DateTime.UtcNow;
    context.Interrupt();
};

// SIGTERM (kill, systemd) stops as cleanly as Ctrl+C: turns are saved, the embedded database is released.
using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    context.Interrupt();
});

try
{
    var parse = root.Parse(args);
    if (Maestro.Cli.Output.ParseErrors.Report(parse, Console.Error) is { } parseError)
    {
        return parseError;
    }

    return await parse.InvokeAsync(
        new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null },
        context.Stopping);
}
catch (Exception ex)
{
    return Maestro.Cli.Output.Errors.Report(ex, Console.Error, debug);
}
