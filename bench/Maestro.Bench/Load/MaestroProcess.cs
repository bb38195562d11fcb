using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Maestro.Bench.Load;

/// <summary>
/// One `maestro` command (emulate, serve) running as its own process, its output going to a log file (the shell
/// `exec`s dotnet, so the process id is the runtime's own: /proc figures are the process's, not a wrapper's).
/// </summary>
public sealed class MaestroProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;

    private MaestroProcess(string name, Process process, string log, Uri baseUrl)
    {
        Name = name;
        _process = process;
        Log = log;
        BaseUrl = baseUrl;
    }

    public string Name { get; }

    public int Pid => _process.Id;

    public string Log { get; }

    public Uri BaseUrl { get; }

    public bool HasExited => _process.HasExited;

    public static MaestroProcess Start(string name, MaestroCheckout checkout, IReadOnlyList<string> arguments, int port, IReadOnlyDictionary<string, string> environment, string logDirectory) =>
        Launch(name, "dotnet", [checkout.Dll, .. arguments], port, environment, logDirectory);

    /// <summary>Any program serving HTTP on <paramref name="port"/> (e.g. another gateway, to measure beside Maestro).</summary>
    public static MaestroProcess Launch(string name, string program, IReadOnlyList<string> arguments, int port, IReadOnlyDictionary<string, string> environment, string logDirectory)
    {
        var log = Path.Combine(logDirectory, name + ".log");
        var info = new ProcessStartInfo("bash") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("exec \"$0\" \"$@\" >>\"$MAESTRO_BENCH_LOG\" 2>&1");
        info.ArgumentList.Add(program);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        info.Environment["MAESTRO_BENCH_LOG"] = log;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {name}.");
        return new MaestroProcess(name, process, log, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>A loopback port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="path"/> answers with success (or anything, with <paramref name="anyAnswer"/>).</summary>
    public async Task WaitReadyAsync(HttpClient http, string path, TimeSpan timeout, bool anyAnswer, CancellationToken cancellationToken, bool http2 = false)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} while starting; see {Log}:\n{Tail()}");
            }

            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseUrl, path));
                if (http2)
                {
                    // An emulator that speaks HTTP/2 only (`emulate --http2`) answers HTTP/1.1 with a 400: ask in its protocol.
                    request.Version = System.Net.HttpVersion.Version20;
                    request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
                }

                using var response = await http.SendAsync(request, cancellationToken);
                if (anyAnswer || response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"{Name} did not answer {path} within {timeout.TotalSeconds:0} s; see {Log}:\n{Tail()}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>The last lines of the process's output, for error messages.</summary>
    public string Tail(int lines = 15)
    {
        try
        {
            return string.Join('\n', File.ReadLines(Log).TakeLast(lines));
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>SIGTERM (a clean stop: the server releases the embedded database), then a kill if it hangs.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, SigTerm);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
