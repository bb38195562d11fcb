using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Chat;
using Maestro.Core.Models;
using Maestro.Core.Providers;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro e2e provider/name`: the PRD's end-to-end check of one auth — list models, stream the standard prompt,
/// validate the answer and usage. Exit code 0 only when every check passes.
/// </summary>
public static class E2eCommand
{
    public const string StandardPrompt =
        "How would you write a FastAPI application that handles Stripe-based subscriptions? Include error handling and webhook verification.";

    public static Command Create(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef("The auth to check, as provider/name.");
        var model = new Option<string>("--model", "-m") { Description = "Model id; default: the provider's default.", HelpName = "MODEL" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Do not print the streamed answer, only the results." };
        var command = new Command("e2e", "Check an auth end to end: model list, the standard streaming prompt, and the PRD's validation table.") { auth, model, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var checks = new List<(string Name, bool Passed, string Detail)>();

            ctx.Console.MarkupLine($"[bold]1/3[/] Listing models of {Errors.Escape(target.ToString())}…");
            try
            {
                var models = await ctx.Get<ModelCatalog>().GetAsync(target, refresh: true, ct);
                checks.Add(("Models listed", models.Models.Count > 0, $"{models.Models.Count} models"));
            }
            catch (ProviderException ex)
            {
                checks.Add(("Models listed", false, ex.Message));
            }

            var (provider, connection) = await ctx.Get<ProviderConnections>().ConnectAsync(target, ct);
            var chosen = await ctx.Get<DefaultModels>().ResolveAsync(target, parse.GetValue(model), ct);
            var (messages, options) = new ChatRequest(target, chosen, null, StandardPrompt).Build(provider.Descriptor);
            ctx.Console.MarkupLine($"[bold]2/3[/] Streaming the standard prompt with {Errors.Escape(options.ModelId!)}…");
            var sink = parse.GetValue(quiet) ? TextWriter.Null : ctx.Stdout;
            var printer = new ChatStreamPrinter(ctx.Console, sink, Console.Error, json: false, terminal: !Console.IsOutputRedirected);
            await printer.PrintAsync(ctx.Get<ProviderConnections>().ChatClient(provider, connection).GetStreamingResponseAsync(messages, options, ct));

            var text = printer.Text;
            var usage = printer.Usage;
            var total = usage?.TotalTokenCount ?? ((usage?.InputTokenCount ?? 0) + (usage?.OutputTokenCount ?? 0));
            checks.Add(("Complete response received", printer.Error is null && text.Length > 100,
                printer.Error is null ? $"{text.Length} characters, finish: {printer.FinishReason ?? "none"}" : printer.Error.Message));
            checks.Add(("FastAPI mentioned", text.Contains("FastAPI", StringComparison.Ordinal), ""));
            checks.Add(("Stripe mentioned", text.Contains("Stripe", StringComparison.Ordinal), ""));
            checks.Add(("Error handling mentioned", text.Contains("error", StringComparison.OrdinalIgnoreCase), ""));
            checks.Add(("Usage stats available", usage is not null, usage is null ? "no usage reported" : ""));
            checks.Add(("Token count > 0", total > 0, $"{total} tokens"));

            ctx.Console.MarkupLine("[bold]3/3[/] Validation results:");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("", "Check", "Detail");
            foreach (var (name, passed, detail) in checks)
            {
                table.AddRow(passed ? "[green]PASS[/]" : "[red]FAIL[/]", name, Errors.Escape(detail));
            }

            ctx.Console.Write(table);
            var all = checks.TrueForAll(c => c.Passed);
            ctx.Console.MarkupLine(all ? "[bold green]OVERALL: PASS[/]" : "[bold red]OVERALL: FAIL[/]");
            return all ? 0 : 1;
        });
        return command;
    }
}
