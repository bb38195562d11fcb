using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Maestro.Web.Access;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro access …`: who may use the web UI and the API. Works straight against the database and MAESTRO_HOME, like
/// every other command, so it needs no running server and no token of its own.
/// </summary>
public static class AccessCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var access = new Command("access", """
            Who may use the web UI and the HTTP API: the access token, the optional password, browser sessions.

            The token is in $MAESTRO_HOME/access-token (mode 0600), created on the first `maestro serve`, unless
            MAESTRO_ACCESS_TOKEN sets it. API clients send `Authorization: Bearer <token>`; browsers sign in with a
            one-time link (printed by `maestro serve` and `maestro access link`), the token, or the password.
            """);
        access.Subcommands.Add(Status(context));
        access.Subcommands.Add(Link(context));
        access.Subcommands.Add(Rotate(context));
        access.Subcommands.Add(Password(context));
        return access;
    }

    private static Command Status(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("status", "Where the access token is, whether a password is set, how many browsers are signed in.") { json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var status = await ctx.Get<AccessService>().StatusAsync(ct);
            var enabled = ctx.Configuration.GetFlag("MAESTRO_AUTH", defaultValue: true);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, new StatusView(enabled, status.TokenSource, status.TokenFromEnvironment, status.PasswordSet, status.BrowserSessions));
                return 0;
            }

            ctx.Console.MarkupLine($"Authentication: {(enabled ? "[green]on[/]" : "[yellow]off (MAESTRO_AUTH)[/]")}");
            ctx.Console.MarkupLine($"Access token:   {Errors.Escape(status.TokenSource)}{(status.TokenFromEnvironment || File.Exists(status.TokenSource) ? "" : $" [grey](created by the first `{Errors.Escape(Invocation.Name)} serve`)[/]")}");
            ctx.Console.MarkupLine($"Password:       {(status.PasswordSet ? "set" : $"not set [grey](`{Errors.Escape(Invocation.Name)} access password` sets one)[/]")}");
            ctx.Console.MarkupLine($"Browsers signed in: {status.BrowserSessions}");
            return 0;
        });
        return command;
    }

    private static Command Link(Func<CliContext> context)
    {
        var url = new Option<string>("--url")
        {
            Description = "The server's address as browsers reach it (default: MAESTRO_PUBLIC_URL, else http://127.0.0.1:PORT, PORT defaulting to 4000).",
            HelpName = "URL",
        };
        var command = new Command("link", "Print a new one-time sign-in link (it works once, within 15 minutes).") { url };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var baseUrl = SignInLink.BaseUrl(ctx.Configuration, parse.GetValue(url));
            var service = ctx.Get<AccessService>();
            var code = await service.CreateSignInCodeAsync(ct);
            ctx.Stdout.WriteLine(SignInLink.For(baseUrl, code));
            // The note goes to stderr, so `$(maestro access link)` is just the link.
            await System.Console.Error.WriteLineAsync($"Open it in the browser within {service.Options.SignInCodeLifetime.TotalMinutes:0} minutes; it works once.");
            return 0;
        });
        return command;
    }

    private static Command Rotate(Func<CliContext> context)
    {
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation." };
        var command = new Command("rotate",
            "Issue a new access token and end every browser session (running servers pick the new token up at once).") { yes };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var service = ctx.Get<AccessService>();
            if (!parse.GetValue(yes) && ctx.StdinIsTerminal &&
                !ctx.Console.Confirm("Issue a new access token? API clients using the old one and every signed-in browser lose access.", defaultValue: false))
            {
                return 1;
            }

            var ended = await service.RotateAsync(ct);
            if (service.Token.IsConfigured)
            {
                ctx.Console.MarkupLine($"[yellow]The token comes from {AccessTokenFile.EnvironmentVariable}[/]: set a new value there on every instance and restart them.");
            }
            else
            {
                ctx.Console.MarkupLine($"[green]New access token[/] in {Errors.Escape(service.Token.Path)}.");
            }

            ctx.Console.MarkupLine($"Browser sessions ended: {ended}. `{Errors.Escape(Invocation.Name)} access link` prints a sign-in link.");
            return 0;
        });
        return command;
    }

    private static Command Password(Func<CliContext> context)
    {
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input (its first line)." };
        var clear = new Option<bool>("--clear") { Description = "Remove the password (the access token and sign-in links still work)." };
        var command = new Command("password", """
            Set the password for signing in to the web UI (stored as a slow salted hash, PBKDF2-SHA256), or remove it
            with --clear. Either way every browser session ends. The password is never taken as an argument: type it at
            the hidden prompt, or pipe it with --password-stdin.
            """) { stdin, clear };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            if (parse.GetValue(clear))
            {
                if (parse.GetValue(stdin))
                {
                    throw new ValidationFailedException("password", "Use either --clear or --password-stdin, not both.");
                }

                var cleared = await ctx.Get<AccessService>().SetPasswordAsync(null, ct);
                ctx.Console.MarkupLine($"[green]Password removed.[/] Browser sessions ended: {cleared}.");
                return 0;
            }

            // Read (and check) the password before the database starts, so a mistake costs nothing.
            var password = ReadPassword(ctx, parse.GetValue(stdin));
            var ended = await ctx.Get<AccessService>().SetPasswordAsync(password, ct);
            ctx.Console.MarkupLine($"[green]Password set.[/] Browser sessions ended: {ended}; sign in again with the password or the access token.");
            return 0;
        });
        return command;
    }

    private static string ReadPassword(CliContext ctx, bool fromStdin)
    {
        if (fromStdin)
        {
            var line = ctx.Stdin.ReadLine() ?? "";
            PasswordHasher.Validate(line);
            return line;
        }

        if (!ctx.StdinIsTerminal)
        {
            throw new ValidationFailedException("password",
                "No password given. Pipe it in with --password-stdin, or run this on a terminal to type it (it is never taken as an argument).");
        }

        var first = ctx.Console.Prompt(new TextPrompt<string>("New password:").Secret().AllowEmpty());
        PasswordHasher.Validate(first);
        var again = ctx.Console.Prompt(new TextPrompt<string>("Again:").Secret().AllowEmpty());
        return first == again ? first : throw new ValidationFailedException("password", "The two passwords differ; nothing was changed.");
    }

    private sealed record StatusView(bool Enabled, string TokenSource, bool TokenFromEnvironment, bool PasswordSet, int BrowserSessions);
}
