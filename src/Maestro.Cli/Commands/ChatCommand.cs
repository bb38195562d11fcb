using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Chat;
using Maestro.Core.Providers;

namespace Maestro.Cli.Commands;

/// <summary>`maestro chat provider/name "prompt"`: one streamed answer, no session.</summary>
public static class ChatCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef("The auth to use, as provider/name (e.g. openai/personal).");
        var prompt = new Argument<string?>("prompt") { Description = "What to ask. Without it, the prompt is read from standard input.", Arity = ArgumentArity.ZeroOrOne };
        var model = new Option<string>("--model", "-m") { Description = "Model id (see `maestro models <auth>`); default: the provider's default.", HelpName = "MODEL" };
        var system = new Option<string>("--system", "-s") { Description = "A system prompt.", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the normalized stream events as JSON lines instead of text." };
        var command = new Command("chat", "Ask a model one question and stream the answer as it arrives.") { auth, prompt, model, system, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var text = parse.GetValue(prompt) ?? (ctx.StdinIsTerminal ? "" : await ctx.Stdin.ReadToEndAsync(ct));
            var (provider, connection) = await ctx.Get<ProviderConnections>().ConnectAsync(target, ct);
            var (messages, options) = new ChatRequest(target, parse.GetValue(model), parse.GetValue(system), text).Build(provider.Descriptor);
            var client = provider.CreateChatClient(connection);
            var printer = new ChatStreamPrinter(ctx.Console, ctx.Stdout, Console.Error, parse.GetValue(json), !Console.IsOutputRedirected);
            await printer.PrintAsync(client.GetStreamingResponseAsync(messages, options, ct));
            if (printer.Error is { } error)
            {
                if (!parse.GetValue(json))
                {
                    await Console.Error.WriteLineAsync($"error: {error.Message}");
                }

                return 3;
            }

            return 0;
        });
        return command;
    }
}
