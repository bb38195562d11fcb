using System.CommandLine;
using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Maestro.Data;
using Maestro.Web;
using Maestro.Web.Access;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro serve`: the web UI, REST API and live streams, on loopback by default.</summary>
public static class ServeCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var port = new Option<int?>("--port", "-p") { Description = "Port to listen on (default: PORT or 4000).", HelpName = "N" };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on. Default 127.0.0.1 (this machine only). Elsewhere, put a TLS reverse proxy in front (README: \"Behind a reverse proxy\").",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var noAuth = new Option<bool>("--no-auth")
        {
            Description = "Let everyone in without the access token (also MAESTRO_AUTH=off). Only on a loopback --host; any program on this machine can then use Maestro.",
        };
        var command = new Command("serve", """
            Start the web UI and HTTP API (http://127.0.0.1:4000).

            Every page and API route needs the access token ($MAESTRO_HOME/access-token, created on first start, or
            MAESTRO_ACCESS_TOKEN) or a signed-in browser. The one-time sign-in link printed at start signs this browser in.
            """) { port, host, noAuth };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var chosenPort = CommonOptions.CheckPort(parse.GetValue(port) ?? ctx.Configuration.GetInt("PORT", 4000, min: 0, max: 65535));

            EnsurePortFree(parse.GetValue(host)!, chosenPort);
            var app = MaestroWebApp.Build(new WebServerOptions(chosenPort, parse.GetValue(host)!, parse.GetValue(noAuth)));
            await using var _ = app;
            var database = app.Services.GetRequiredService<MaestroDatabase>();
            // Start the database before listening, so a database problem is reported at once, not on the first page.
            await database.GetDataSourceAsync(ct);
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException ex) when (ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase) || ex.InnerException is System.Net.Sockets.SocketException)
            {
                // Taken between the check and the bind.
                throw PortInUse(chosenPort);
            }

            var url = app.ListeningAddress();
            var access = app.Services.GetRequiredService<AccessSettings>();
            ctx.Console.MarkupLine($"[bold green]Maestro is running[/] at [link]{url}[/]");
            if (access.Enabled)
            {
                // A one-time code, not the token: the link is useless once opened, and the code sits in the fragment,
                // which browsers never send, so no server or proxy log ever holds it.
                var code = await app.Services.GetRequiredService<AccessService>().CreateSignInCodeAsync(ct);
                // Listening on every interface: a browser on this machine reaches it on loopback (browsers refuse 0.0.0.0).
                var reachable = url.Host is "0.0.0.0" or "[::]" ? new UriBuilder(url) { Host = "127.0.0.1" }.Uri : url;
                var link = SignInLink.For(access.PublicUrl ?? reachable, code);
                // Plain lines, never wrapped to the terminal's width: the link must stay copyable in one piece.
                ctx.Stdout.WriteLine($"Sign in: {link}");
                ctx.Stdout.WriteLine($"  (a one-time link, valid 15 minutes; `{Invocation.Name} access link` prints another. API clients send the token in {app.Services.GetRequiredService<AccessTokenFile>().Source})");
            }

            ctx.Console.MarkupLine($"[grey]Database: {(database.Options.IsEmbedded ? "embedded" : "external")} ({Markup.Escape(database.Location)}). Press Ctrl+C to stop.[/]");
            if (parse.GetValue(host) is "0.0.0.0" or "::")
            {
                ctx.Console.MarkupLine("[yellow]Listening on every interface: anyone who can reach this machine can try to sign in. Put a TLS reverse proxy in front (README).[/]");
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                ctx.Console.MarkupLine("[grey]Stopping…[/]");
            }

            await app.StopAsync(CancellationToken.None);
            return 0;
        });
        return command;
    }

    /// <summary>Checked before anything starts, so a busy port does not start the database first.</summary>
    private static void EnsurePortFree(string host, int port)
    {
        if (port == 0 || !System.Net.IPAddress.TryParse(host == "localhost" ? "127.0.0.1" : host, out var address))
        {
            return;
        }

        try
        {
            using var probe = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            probe.Bind(new System.Net.IPEndPoint(address, port));
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw PortInUse(port);
        }
        catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode is System.Net.Sockets.SocketError.AccessDenied)
        {
            throw new MaestroException($"Not allowed to listen on port {port}.", "Ports below 1024 need privileges; choose another with --port N.");
        }
    }

    private static MaestroException PortInUse(int port) => new(
        $"Port {port} is already in use (another `{Invocation.Name} serve`?).",
        "Stop the other server, or choose another port with --port N or PORT=N.");
}
