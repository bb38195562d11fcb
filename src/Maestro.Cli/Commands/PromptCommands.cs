using System.CommandLine;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Prompts;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro prompt ...`: reusable system prompts and personas that sessions stack (`session create --prompt NAME`).</summary>
public static class PromptCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var prompt = new Command("prompt", "Manage reusable system prompts and personas (versioned; sessions stack them with --prompt NAME[@VERSION]).");
        prompt.Aliases.Add("prompts");

        var name = new Argument<string>("name") { Description = "The prompt's name." };
        var kind = new Option<string>("--kind") { Description = "system (default) or persona.", HelpName = "KIND" };
        var description = new Option<string>("--description") { Description = "What the prompt is for.", HelpName = "TEXT" };
        var text = new Option<string>("--text") { Description = "The prompt text (or give --file, or pipe it on stdin).", HelpName = "TEXT" };
        var file = new Option<FileInfo>("--file") { Description = "Read the prompt text from a file." };
        var add = new Command("add", "Save a new prompt.") { name, kind, description, text, file };
        add.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var created = await ctx.Get<PromptService>().CreateAsync(parse.GetValue(name), parse.GetValue(kind), parse.GetValue(description),
                await ContentAsync(ctx, parse.GetValue(text), parse.GetValue(file), ct), ct);
            ctx.Console.MarkupLine($"[green]Saved[/] {Markup.Escape(created.Name)} (version 1).");
            return 0;
        });

        var editName = new Argument<string>("name") { Description = "The prompt's name." };
        var editText = new Option<string>("--text") { Description = "The new text (or --file, or stdin).", HelpName = "TEXT" };
        var editFile = new Option<FileInfo>("--file") { Description = "Read the new text from a file." };
        var edit = new Command("edit", "Save a new version of a prompt (sessions that pinned an older version keep it).") { editName, editText, editFile };
        edit.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var updated = await ctx.Get<PromptService>().AddVersionAsync(parse.GetValue(editName)!,
                await ContentAsync(ctx, parse.GetValue(editText), parse.GetValue(editFile), ct), ct);
            ctx.Console.MarkupLine($"[green]Saved[/] {Markup.Escape(updated.Name)} version {updated.LatestVersion}.");
            return 0;
        });

        var json = CommonOptions.Json();
        var list = new Command("list", "List prompts.") { json };
        list.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var prompts = await ctx.Get<PromptService>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, prompts);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Prompt", "Kind", "Version", "Description", "Updated");
            foreach (var p in prompts)
            {
                table.AddRow(Markup.Escape(p.Name), p.Kind.ToString().ToLowerInvariant(), p.LatestVersion.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(p.Description ?? ""), p.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            }

            ctx.Console.Write(table);
            return 0;
        });

        var showName = new Argument<string>("name") { Description = "The prompt's name." };
        var version = new Option<int?>("--version") { Description = "A specific version (default: the latest).", HelpName = "N" };
        var show = new Command("show", "Print a prompt's text.") { showName, version };
        show.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<PromptService>();
            var p = await service.GetAsync(parse.GetValue(showName)!, ct);
            var versions = await service.VersionsAsync(p, ct);
            var wanted = parse.GetValue(version) ?? p.LatestVersion;
            var chosen = versions.FirstOrDefault(v => v.Version == wanted)
                ?? throw new Core.Errors.ValidationFailedException("version", $"{p.Name} has versions 1 to {p.LatestVersion}.");
            ctx.Stdout.WriteLine(chosen.Content);
            return 0;
        });

        var rmName = new Argument<string>("name") { Description = "The prompt's name." };
        var rm = new Command("rm", "Delete a prompt and its versions (sessions stacking it stop using it).") { rmName };
        rm.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            await ctx.Get<PromptService>().DeleteAsync(parse.GetValue(rmName)!, ct);
            ctx.Console.MarkupLine($"[green]Deleted[/] {Markup.Escape(parse.GetValue(rmName)!)}.");
            return 0;
        });

        prompt.Subcommands.Add(add);
        prompt.Subcommands.Add(edit);
        prompt.Subcommands.Add(list);
        prompt.Subcommands.Add(show);
        prompt.Subcommands.Add(rm);
        return prompt;
    }

    private static async Task<string?> ContentAsync(CliContext ctx, string? text, FileInfo? file, CancellationToken ct)
    {
        if (text is not null)
        {
            return text;
        }

        if (file is not null)
        {
            return file.Exists
                ? await File.ReadAllTextAsync(file.FullName, ct)
                : throw new Core.Errors.ValidationFailedException("file", $"'{file.FullName}' does not exist.");
        }

        return ctx.StdinIsTerminal ? null : await ctx.Stdin.ReadToEndAsync(ct);
    }
}
