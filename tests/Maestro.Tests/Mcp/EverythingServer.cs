using System.Diagnostics;
using Maestro.Core.Mcp;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Mcp;

/// <summary>
/// The reference MCP server (npm package @modelcontextprotocol/server-everything, pinned by the package-lock.json
/// beside this file), installed with `npm ci` once per test run when node_modules is missing.
/// </summary>
public static class EverythingServer
{
    private static readonly Lazy<Task> Installed = new(InstallAsync);

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "Maestro.Tests", "Mcp", "server-everything");

    public static string Script { get; } = Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");

    /// <summary>Safe to call from every test: the install runs once and the others wait for it.</summary>
    public static Task EnsureInstalledAsync() => Installed.Value;

    /// <summary>A stdio configuration that runs the server with node.</summary>
    public static McpServerSpec StdioSpec(string name, IReadOnlyDictionary<string, string?>? env = null) => new()
    {
        Name = name,
        Command = "node",
        Args = [Script, "stdio"],
        Env = env,
    };

    /// <summary>The same server over streamable HTTP on a free loopback port; stopped when disposed.</summary>
    public static async Task<HttpServer> StartHttpAsync(string mode = "streamableHttp", int? port = null)
    {
        await EnsureInstalledAsync();
        port ??= CliProcess.FreePort();
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(mode);
        start.Environment["PORT"] = port.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var server = new HttpServer(Process.Start(start)!, port.Value);
        await server.WaitUntilListeningAsync();
        return server;
    }

    private static async Task InstallAsync()
    {
        if (File.Exists(Script))
        {
            return;
        }

        var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"])
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var npm = Process.Start(start)!;
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await npm.WaitForExitAsync(cts.Token);
        if (npm.ExitCode != 0 || !File.Exists(Script))
        {
            throw new InvalidOperationException($"npm ci in {Folder} failed ({npm.ExitCode}):\n{await stdout}\n{await stderr}");
        }
    }

    /// <summary>A server-everything process serving HTTP on loopback.</summary>
    public sealed class HttpServer(Process process, int port) : IAsyncDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        public int Port { get; } = port;

        public string Url(string path = "/mcp") => $"http://127.0.0.1:{Port}{path}";

        public async Task WaitUntilListeningAsync()
        {
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                try
                {
                    using var tcp = new System.Net.Sockets.TcpClient();
                    await tcp.ConnectAsync(System.Net.IPAddress.Loopback, Port);
                    return;
                }
                catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
                {
                    await Task.Delay(100);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    lock (_output)
                    {
                        throw new InvalidOperationException($"server-everything did not listen on port {Port}:\n{_output}");
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
