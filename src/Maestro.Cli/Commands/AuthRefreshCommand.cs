using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro auth refresh provider/name`: refreshes an OAuth auth now. Safe while other Maestro processes refresh the same
/// auth: if one just did, its new token is used and no second token request is made.
/// </summary>
public static class AuthRefreshCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var auth = CommonOptions.AuthRef("The OAuth auth to refresh, as provider/name (e.g. openai/work).");
        var json = CommonOptions.Json();
        var command = new Command("refresh", "Refresh an OAuth login's access token now (it is otherwise refreshed before it expires).") { auth, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var target = CommonOptions.ParseAuth(parse.GetValue(auth)!);
            var auths = ctx.Get<AuthService>();
            var stored = await auths.GetWithCredentialsAsync(target, ct);
            if (stored.Record.Type != AuthType.OAuth)
            {
                throw new ValidationFailedException("auth", $"{target} is an API key; only OAuth logins have tokens to refresh.");
            }

            await AuthLoginCommand.TryFollowOtherInstancesAsync(ctx, ct);
            var outcome = await ctx.Get<OAuthRefresher>().RefreshAsync(stored.Record.Id, RefreshTrigger.Forced, stored.Credentials.AccessToken, ct);
            switch (outcome.Result)
            {
                case RefreshResult.NeedsRelogin:
                    throw new MaestroException(outcome.Message);
                case RefreshResult.Failed:
                    throw new MaestroException($"Could not refresh {target}: {outcome.Message}", "The old token stays in use until it expires; try again shortly.");
            }

            var record = await auths.GetAsync(target, ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, AuthView.From(record));
                return 0;
            }

            var what = outcome.Result == RefreshResult.Refreshed ? "Refreshed" : "Another Maestro process refreshed";
            ctx.Console.MarkupLine($"[green]{what}[/] {Errors.Escape(target.ToString())}: {Errors.Escape(AuthStateText.Describe(record, DateTimeOffset.UtcNow))}.");
            return 0;
        });
        return command;
    }
}
