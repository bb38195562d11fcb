using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Chat;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Turns;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro chat provider/name "prompt"`: one streamed answer, no session; without a prompt on a terminal, a REPL on a
/// new session.
/// `maestro chat --session name ["prompt"]`: a turn of a session (tools, history); without a prompt on a terminal, a REPL.
/// </summary>
public static class ChatCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var words = new Argument<string[]>("args")
        {
            Description = "provider/name then the prompt (e.g. openai/personal \"Hello\"); with --session, just the prompt. Without a prompt on a terminal a REPL starts (for an auth, on a new session named chat-DATE-TIME); with stdin piped, the prompt is read from it.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var session = new Option<string>("--session") { Description = "Run a turn of this session (its model, tools and history) instead of a one-off chat.", HelpName = "NAME" };
        var model = new Option<string>("--model", "-m") { Description = "Model id (see `maestro models <auth>`); default: the provider's default.", HelpName = "MODEL" };
        var system = new Option<string>("--system", "-s") { Description = "A system prompt (one-off chats).", HelpName = "TEXT" };
        var json = new Option<bool>("--json") { Description = "Print the normalized stream (or session) events as JSON lines instead of text." };
        var attach = new Option<string[]>("--attach", "-a")
        {
            Description = $"Send a file with the prompt (repeat for several): {Core.Conversations.Attachments.AttachedFiles.Limits}.",
            HelpName = "FILE",
        };
        var command = new Command("chat", "Ask a model and stream the answer as it arrives; with --session, run a turn of an agent session. " +
            "Example: maestro chat anthropic/work --attach screenshot.png \"What is wrong here?\"") { words, session, model, system, json, attach };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var args = parse.GetValue(words) ?? [];
            var files = await AttachmentsAsync(parse.GetValue(attach), ct);
            if (parse.GetValue(session) is { } sessionName)
            {
                var s = await ctx.Get<SessionService>().GetAsync(sessionName, ct);
                if (parse.GetValue(model) is { } m)
                {
                    s = await ctx.Get<SessionService>().UpdateAsync(s.Id, new SessionSpec { Model = m }, ct);
                }

                var prompt = string.Join(' ', args);
                if (prompt.Length == 0 && files is null && ctx.StdinIsTerminal && !parse.GetValue(json))
                {
                    return await Repl.RunAsync(ctx, s, ct);
                }

                if (prompt.Length == 0 && files is null && !ctx.StdinIsTerminal)
                {
                    prompt = await ctx.Stdin.ReadToEndAsync(ct);
                }

                return await SessionTurns.RunAsync(ctx, s, new TurnInput(prompt, files), parse.GetValue(json), ct);
            }

            if (args.Length == 0)
            {
                throw new ValidationFailedException("auth", "Give an auth as provider/name (e.g. `maestro chat openai/personal \"Hello\"`), or --session NAME.");
            }

            var target = CommonOptions.ParseAuth(args[0]);
            if (args.Length == 1 && files is null && ctx.StdinIsTerminal && !parse.GetValue(json))
            {
                return await Repl.RunAsync(ctx, await ChatSessionAsync(ctx, args[0], parse.GetValue(model), parse.GetValue(system), ct), ct);
            }

            var text = args.Length > 1 ? string.Join(' ', args[1..]) : (ctx.StdinIsTerminal || files is not null ? "" : await ctx.Stdin.ReadToEndAsync(ct));
            var (provider, connection) = await ctx.Get<ProviderConnections>().ConnectAsync(target, ct);
            var chosen = await ctx.Get<Core.Models.DefaultModels>().ResolveAsync(target, parse.GetValue(model), ct);
            var (messages, options) = new ChatRequest(target, chosen, parse.GetValue(system), text, files).Build(provider.Descriptor);
            var client = ctx.Get<ProviderConnections>().ChatClient(provider, connection);
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

    /// <summary>The files given with --attach, read and checked (type, size, count) before anything is sent.</summary>
    private static async Task<IList<Microsoft.Extensions.AI.AIContent>?> AttachmentsAsync(string[]? paths, CancellationToken ct)
    {
        if (paths is not { Length: > 0 })
        {
            return null;
        }

        if (paths.Length > Core.Conversations.Attachments.AttachedFiles.MaxCount)
        {
            throw new ValidationFailedException("--attach", $"{paths.Length} files: at most {Core.Conversations.Attachments.AttachedFiles.MaxCount} go with one message.");
        }

        var contents = new List<Microsoft.Extensions.AI.AIContent>(paths.Length);
        foreach (var path in paths)
        {
            if (!File.Exists(path))
            {
                throw new ValidationFailedException("--attach", $"There is no file '{path}'.");
            }

            if (new FileInfo(path).Length > Core.Conversations.Attachments.AttachedFiles.MaxImageBytes)
            {
                throw new ValidationFailedException("--attach", $"'{path}' is too large: {Core.Conversations.Attachments.AttachedFiles.Limits}.");
            }

            contents.Add(Core.Conversations.Attachments.AttachedFiles.FromFile(path, await File.ReadAllBytesAsync(path, ct)));
        }

        return contents;
    }

    /// <summary>
    /// A chat opened without a prompt is a session like any other (named after the time it started), so it can be
    /// resumed, attached to and seen in the UI.
    /// </summary>
    private static async Task<Session> ChatSessionAsync(CliContext ctx, string auth, string? model, string? system, CancellationToken ct)
    {
        var sessions = ctx.Get<SessionService>();
        var chosen = await DefaultModel.ResolveAsync(ctx, auth, model, ct);
        var stem = $"chat-{DateTime.Now:yyyyMMdd-HHmmss}";
        for (var attempt = 1; ; attempt++)
        {
            var name = attempt == 1 ? stem : $"{stem}-{attempt}";
            try
            {
                var session = await sessions.CreateAsync(new SessionSpec { Name = name, Auth = auth, Model = chosen, SystemPrompt = system }, ct);
                ctx.Console.MarkupLine($"[grey]New session {Errors.Escape(session.Name)}; resume it with: {Errors.Escape(Invocation.Command($"chat --session {session.Name}"))}[/]");
                return session;
            }
            catch (ConflictException) when (attempt < 5)
            {
                // Two chats opened in the same second: take the next name.
            }
        }
    }
}
