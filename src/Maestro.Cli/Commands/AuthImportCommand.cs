using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro auth import codex|claude|gemini`: takes over a login another tool saved, validates its shape, and stores it
/// encrypted as an OAuth auth that Maestro refreshes from then on.
/// </summary>
public static class AuthImportCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var source = new Argument<string>("source")
        {
            Description = "Whose login: codex (~/.codex/auth.json), claude (~/.claude/.credentials.json) or gemini (~/.gemini/oauth_creds.json).",
        };
        var name = new Option<string>("--name") { Description = "The auth's name (default: codex, claude or gemini).", HelpName = "NAME" };
        var file = new Option<string>("--file") { Description = "Read this file instead of the tool's usual one.", HelpName = "PATH" };
        var mode = new Option<string>("--mode") { Description = "Gemini: code_assist (default for Gemini CLI logins) or api.", HelpName = "MODE" };
        var replace = new Option<bool>("--replace") { Description = "Renew an existing OAuth auth of that name with the imported tokens." };
        var json = CommonOptions.Json();
        var command = new Command("import", "Import an existing CLI login (Codex, Claude Code, Gemini CLI) as an OAuth auth.")
        {
            source, name, file, mode, replace, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var (auth, path) = await ctx.Get<OAuthImportService>().ImportAsync(
                new OAuthImportRequest(parse.GetValue(source)!, parse.GetValue(name), parse.GetValue(file), parse.GetValue(mode), parse.GetValue(replace)), ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, AuthView.From(auth));
                return 0;
            }

            var who = auth.MetadataValue(AuthMetadata.Email) is { } email ? $" ({email})" : "";
            ctx.Console.MarkupLine($"[green]Imported[/] {Errors.Escape(path)} as {Errors.Escape(auth.Ref.ToString())}{Errors.Escape(who)}: OAuth, stored encrypted.");
            ctx.Console.MarkupLine($"{Errors.Escape(auth.Ref.ToString())}: {Errors.Escape(AuthStateText.Describe(auth, DateTimeOffset.UtcNow))}.");
            if (ctx.Get<OAuthImportService>().Get(parse.GetValue(source)!).Caveat is { } caveat)
            {
                ctx.Console.MarkupLine($"[grey]{Errors.Escape(caveat)}[/]");
            }

            return 0;
        });
        return command;
    }
}
