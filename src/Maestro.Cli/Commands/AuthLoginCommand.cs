using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Data.Notifications;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro auth login provider name`: signs in with OAuth and saves the login as a named auth (or renews it). Prints
/// the sign-in URL (and opens a browser when there is one), then finishes by the browser's callback, a pasted code or
/// device polling, whichever the provider and options call for.
/// </summary>
public static class AuthLoginCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var provider = new Argument<string>("provider") { Description = "Provider id: openai, anthropic or gemini." };
        var name = new Argument<string>("name") { Description = $"The auth's name: {AuthNames.Rule}. An existing OAuth auth of that name is renewed." };
        var device = new Option<bool>("--device") { Description = "Sign in on another device with a short code (headless machines; OpenAI)." };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Do not open a browser; only print the URL." };
        var codeAssist = new Option<bool>("--code-assist") { Description = "Gemini: use the login with Code Assist (licensed users) instead of the Gemini API." };
        var createApiKey = new Option<bool>("--create-api-key") { Description = "Anthropic: also create an API key from the login and keep it with the auth." };
        var command = new Command("login", """
            Sign in with OAuth and save the login as a named auth. Tokens are stored encrypted and refreshed before they expire.
            OpenAI: ChatGPT Plus/Pro sign-in (browser, or --device). Anthropic: sign in, then paste the code the page shows.
            Gemini: Google sign-in with your own OAuth client (GEMINI_OAUTH_CLIENT_ID/SECRET).
            """)
        {
            provider, name, device, noBrowser, codeAssist, createApiKey,
        };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var login = ctx.Get<OAuthLoginService>();
            await TryFollowOtherInstancesAsync(ctx, ct);
            var options = new OAuthLoginOptions(parse.GetValue(codeAssist) ? "code_assist" : null, parse.GetValue(createApiKey));
            var flow = await login.StartAsync(
                new OAuthStartRequest(parse.GetValue(provider)!, parse.GetValue(name)!, parse.GetValue(device) ? OAuthLoginMethod.Device : null, options), ct);
            using var progress = ctx.Get<SessionEventHub>().Subscribe(Guid.Empty);
            _ = PrintProgressAsync(ctx, progress, flow.Id);
            PrintInstructions(ctx, flow, openBrowser: !parse.GetValue(noBrowser));

            OAuthFlow done;
            try
            {
                done = await WaitAsync(ctx, login, flow, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                await login.CancelAsync(flow.Id, CancellationToken.None);
                throw;
            }

            if (done.Status != OAuthFlowStatus.Completed)
            {
                throw new MaestroException(done.Message ?? $"The login ended: {done.Status.ToWire()}.");
            }

            var auth = await ctx.Get<AuthService>().GetAsync(new AuthRef(done.Provider, done.AuthName), ct);
            ctx.Console.MarkupLine($"[green]Logged in.[/] {Errors.Escape(done.Message ?? "")}");
            ctx.Console.MarkupLine($"{Errors.Escape(auth.Ref.ToString())}: {Errors.Escape(AuthStateText.Describe(auth, DateTimeOffset.UtcNow))}.");
            return 0;
        });
        return command;
    }

    /// <summary>So the server's UI sees this login's progress live (best effort: the login works without it).</summary>
    internal static async Task TryFollowOtherInstancesAsync(CliContext ctx, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Services.StartLiveEventsAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is MaestroException or TimeoutException)
        {
            ctx.Get<ILoggerFactory>().CreateLogger("Maestro.Cli").LogDebug("Live events are unavailable: {Message}", ex.Message);
        }
    }

    private static void PrintInstructions(CliContext ctx, OAuthFlow flow, bool openBrowser)
    {
        var display = ctx.Get<ProviderRegistry>().TryGet(flow.Provider, out var p) ? p.Descriptor.DisplayName : flow.Provider;
        var console = ctx.Console;
        if (flow.Method == OAuthLoginMethod.Device)
        {
            console.MarkupLine($"To sign in to {Errors.Escape(display)}, open this page on any device:");
            console.WriteLine();
            // Written raw: the console would wrap a long URL with line breaks that break copying it.
            ctx.Stdout.WriteLine($"  {flow.VerificationUrl!.AbsoluteUri}");
            console.WriteLine();
            console.MarkupLine("and enter the code:");
            console.WriteLine();
            console.MarkupLine($"  [bold]{Errors.Escape(flow.UserCode ?? "")}[/]");
            console.WriteLine();
            console.MarkupLine($"Waiting for approval (the code expires in {AuthStateText.Duration(flow.ExpiresAt - DateTimeOffset.UtcNow)}). Never share this code.");
            return;
        }

        console.MarkupLine($"Sign in to {Errors.Escape(display)} in your browser:");
        console.WriteLine();
        ctx.Stdout.WriteLine($"  {flow.AuthorizationUrl!.AbsoluteUri}");
        console.WriteLine();
        if (openBrowser && AuthLoginBrowser.Available(ctx.Configuration) && AuthLoginBrowser.TryOpen(ctx.Configuration, flow.AuthorizationUrl!))
        {
            console.MarkupLine("[grey]Opened your browser.[/]");
        }

        if (flow.Method == OAuthLoginMethod.Callback)
        {
            var callback = flow.RedirectUri!.GetLeftPart(UriPartial.Path);
            console.MarkupLine($"Waiting for the browser to come back to {Errors.Escape(callback)} …");
            console.MarkupLine($"[grey]If the browser runs on another machine, paste here the address it ends on (it starts with {Errors.Escape(callback)}).[/]");
        }
        else
        {
            console.MarkupLine("After signing in, paste the code the page shows (it looks like code#state), or the address the browser ends on:");
        }

        console.MarkupLine($"[grey]Login {flow.Id}; it waits until {flow.ExpiresAt.ToLocalTime():HH:mm}.[/]");
    }

    /// <summary>Waits for the callback or the device approval while reading pasted codes from stdin.</summary>
    private static async Task<OAuthFlow> WaitAsync(CliContext ctx, OAuthLoginService login, OAuthFlow flow, CancellationToken ct)
    {
        var finished = login.WaitAsync(flow.Id, ct);
        if (flow.Method == OAuthLoginMethod.Device)
        {
            return await finished;
        }

        while (true)
        {
            // ReadLine cannot be cancelled; a read still pending when the login ends is simply abandoned.
            var line = Task.Run(ctx.Stdin.ReadLine, CancellationToken.None);
            if (await Task.WhenAny(finished, line) == finished)
            {
                return await finished;
            }

            var text = await line;
            if (text is null)
            {
                if (flow.Method == OAuthLoginMethod.Paste)
                {
                    ctx.Console.MarkupLine(Errors.Escape(
                        $"There is no terminal to paste into. Finish this login in Maestro's web UI, or send the code with " +
                        $"POST /api/oauth/flows/{flow.Id}/complete {{\"code\": \"…\"}}; waiting until {flow.ExpiresAt.ToLocalTime():HH:mm}."));
                }

                return await finished;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                return await login.CompleteAsync(flow.Id, text, ct);
            }
            catch (ValidationFailedException ex)
            {
                // The login still waits: say what was wrong and read the next paste.
                foreach (var message in ex.Errors.Values.SelectMany(m => m))
                {
                    ctx.Console.MarkupLine($"[red]{Errors.Escape(message)}[/]");
                }

                ctx.Console.MarkupLine("Paste again, or press Ctrl+C to give up:");
            }
            catch (ConflictException)
            {
                // Completed meanwhile (by the browser, or elsewhere).
                return await finished;
            }
        }
    }

    private static async Task PrintProgressAsync(CliContext ctx, Subscription progress, Guid flowId)
    {
        try
        {
            await foreach (var e in progress.Reader.ReadAllAsync())
            {
                if (e.Type == OAuthEvents.FlowChanged && OAuthFlowNotice.Parse(e.Notice) is { Status: "exchanging" } notice && notice.FlowId == flowId)
                {
                    ctx.Console.MarkupLine($"[grey]{Errors.Escape(notice.Message)}[/]");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
