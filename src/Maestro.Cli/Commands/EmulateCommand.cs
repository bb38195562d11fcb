using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Emulator;
using Maestro.Web.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro emulate`: the three provider APIs on loopback, to try Maestro without a key (and for tests and benchmarks).</summary>
public static class EmulateCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (0 picks a free one).", DefaultValueFactory = _ => 4010, HelpName = "N" };
        var tokens = new Option<int>("--tokens") { Description = "Length of the default synthetic answer, in tokens.", DefaultValueFactory = _ => 200, HelpName = "N" };
        var rate = new Option<double>("--rate") { Description = "Tokens per second of synthetic and replayed streams (0 = as fast as possible).", HelpName = "R" };
        var fault = new Option<string>("--fault")
        {
            Description = "Fail every chat request: 429[:seconds], 529, 503, 500, 401, disconnect:K, malformed[:K], stall[:K], truncate[:K].",
            HelpName = "KIND",
        };
        var http2 = new Option<bool>("--http2")
        {
            Description = "Speak HTTP/2 only, without TLS (prior knowledge), for servers run with MAESTRO_PROVIDER_HTTP_VERSION=2. "
                + "HTTP/1.1 clients, browsers and OAuth sign-ins cannot use it.",
        };
        var command = new Command("emulate", "Serve emulated Anthropic, OpenAI and Gemini APIs on loopback (try Maestro without a key).") { port, tokens, rate, fault, http2 };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var chosenPort = CommonOptions.CheckPort(parse.GetValue(port));
            EmulatorFault? parsedFault = null;
            if (parse.GetValue(fault) is { } faultText)
            {
                try
                {
                    parsedFault = EmulatorFault.Parse(faultText);
                }
                catch (FormatException ex)
                {
                    throw new ValidationFailedException("fault", ex.Message);
                }
            }

            if (parse.GetValue(tokens) < 0 || parse.GetValue(rate) < 0)
            {
                throw new ValidationFailedException("tokens", "--tokens and --rate cannot be negative.");
            }

            using var loggers = LoggerFactory.Create(l => MaestroLogging.Configure(l, ctx.Configuration));
            EmulatorServer server;
            try
            {
                server = await EmulatorServer.StartAsync(new EmulatorOptions
                {
                    Port = chosenPort,
                    SyntheticTokens = parse.GetValue(tokens),
                    TokensPerSecond = parse.GetValue(rate),
                    Fault = parsedFault,
                    Http2 = parse.GetValue(http2),
                    LoggerFactory = loggers,
                }, ct);
            }
            catch (IOException ex) when (ex.InnerException is System.Net.Sockets.SocketException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                throw new MaestroException($"Port {parse.GetValue(port)} is already in use.", "Choose another with --port N.");
            }

            await using (server)
            {
                var anthropic = server.ProviderUrl(EmulatorProviders.Anthropic);
                var openai = server.ProviderUrl(EmulatorProviders.OpenAI);
                var gemini = server.ProviderUrl(EmulatorProviders.Gemini);
                ctx.Console.MarkupLine($"[bold green]Provider emulator running[/] at {server.BaseUrl}"
                    + (parse.GetValue(http2) ? " [grey](HTTP/2 only: run Maestro with MAESTRO_PROVIDER_HTTP_VERSION=2)[/]" : ""));
                ctx.Console.MarkupLine($"  Anthropic  {anthropic}");
                ctx.Console.MarkupLine($"  OpenAI     {openai}");
                ctx.Console.MarkupLine($"  Gemini     {gemini}");
                // The subscription backends, for OAuth logins: OPENAI_CHATGPT_BASE_URL and GEMINI_CODE_ASSIST_ENDPOINT.
                ctx.Console.MarkupLine($"  ChatGPT    {server.ProviderUrl(EmulatorProviders.ChatGpt)}  [grey](OPENAI_CHATGPT_BASE_URL)[/]");
                ctx.Console.MarkupLine($"  CodeAssist {server.ProviderUrl(EmulatorProviders.CodeAssist)}  [grey](GEMINI_CODE_ASSIST_ENDPOINT)[/]");
                ctx.Console.MarkupLine("Try it (any key works; keys starting with 'invalid' are refused):");
                ctx.Console.MarkupLine($"  [grey]echo demo-key | {Errors.Escape(Invocation.Name)} auth add anthropic demo --api-key-stdin --base-url {anthropic}[/]");
                ctx.Console.MarkupLine($"  [grey]{Errors.Escape(Invocation.Name)} chat anthropic/demo \"Hello\"[/]");
                ctx.Console.MarkupLine("Models: fixture:<name> replays a recorded stream, synthetic:<N>[[@rate]], fault:<kind>. Ctrl+C stops.");
                await server.WaitForShutdownAsync(ct);
            }

            return 0;
        });
        return command;
    }
}
