using System.Diagnostics;
using System.Text;

namespace Maestro.Tests.Infrastructure;

/// <summary>Runs the real `maestro` CLI as a separate process, as a user would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "maestro.dll");

    public static async Task<Result> RunAsync(
        IReadOnlyDictionary<string, string?> environment,
        IEnumerable<string> arguments,
        string? stdin = null,
        TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the test gives, plus what the runtime needs: no developer settings leak in.
        foreach (var name in new[] { "DATABASE_URL", "MAESTRO_SECRET_KEY", "SECRET_KEY_BASE", "HTTP_DEBUG", "PORT", "MAESTRO_HOME",
            "MAESTRO_ACCESS_TOKEN", "MAESTRO_AUTH", "MAESTRO_PUBLIC_URL" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"maestro {string.Join(' ', arguments)} did not finish:\n{await stdout}\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> RunAsync(MaestroTestEnvironment environment, params string[] arguments) =>
        RunAsync(environment.Settings, arguments);

    public static Task<Result> RunWithStdinAsync(MaestroTestEnvironment environment, string stdin, params string[] arguments) =>
        RunAsync(environment.Settings, arguments, stdin);
}
