using System.Diagnostics;
using System.Text.Json;

namespace Maestro.Bench.Gateway;

/// <summary>
/// The Portkey AI gateway (npm <c>@portkey-ai/gateway</c>), installed with npm into a cache folder outside the repository
/// on first use and run with Node: the same kind of gateway, measured with the same load and the same upstream.
/// </summary>
public static class PortkeyGateway
{
    /// <summary>The script that starts the gateway, installing the package first if needed (null with the reason when it cannot be had), and a note for the report.</summary>
    public static async Task<(string? Script, string? Problem)> EnsureInstalledAsync(string version, TextWriter progress, CancellationToken cancellationToken)
    {
        var cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var folder = Path.Combine(cacheRoot, "maestro-bench", $"portkey-gateway-{version}");
        if (Script(folder) is { } installed)
        {
            return (installed, Patch(installed, progress));
        }

        if (!OnPath("node") || !OnPath("npm"))
        {
            return (null, "node and npm are needed for the Portkey row (apt-get install nodejs npm); skipped.");
        }

        progress.WriteLine($"Installing @portkey-ai/gateway@{version} into {folder} (npm, once) …");
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder };
        foreach (var argument in new[] { "install", "--prefix", folder, "--no-audit", "--no-fund", "--omit=dev", "--ignore-scripts", $"@portkey-ai/gateway@{version}" })
        {
            info.ArgumentList.Add(argument);
        }

        using var npm = Process.Start(info) ?? throw new InvalidOperationException("Could not run npm.");
        var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = npm.StandardError.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0 || Script(folder) is not { } script)
        {
            var text = (await errors + await output).Trim();
            return (null, $"npm install @portkey-ai/gateway@{version} failed (exit {npm.ExitCode}); skipped:\n{(text.Length > 800 ? text[^800..] : text)}");
        }

        return (script, Patch(script, progress));
    }

    /// <summary>
    /// Portkey 1.15.2 answers every streamed chat completion on Node with a 500 ("Something went wrong"; its log:
    /// "TypeError: immutable" in ResponseService.updateHeaders — Portkey-AI/gateway issues #1389 and #1550): it adds its
    /// headers to a Response whose headers are immutable. This applies the upstream fix (pull request #1551: copy that
    /// response into a new one first) to the installed build, once; without it there is nothing to measure.
    /// </summary>
    private static string? Patch(string script, TextWriter progress)
    {
        const string Broken = "this.updateHeaders(i,n.cacheStatus,o),{response:i";
        const string Fixed = "(i=new Response(i.body,{status:i.status,statusText:i.statusText,headers:new Headers(i.headers)}),this.updateHeaders(i,n.cacheStatus,o)),{response:i";
        const string Note = "its build carries the upstream fix for streamed responses on Node (Portkey-AI/gateway#1551), applied by this benchmark: 1.15.2 as published answers every streamed request with a 500.";
        var text = File.ReadAllText(script);
        if (text.Contains(Fixed, StringComparison.Ordinal))
        {
            return Note;
        }

        if (!text.Contains(Broken, StringComparison.Ordinal))
        {
            return "its build does not have the known streaming bug's code any more; measured as installed.";
        }

        File.WriteAllText(script, text.Replace(Broken, Fixed, StringComparison.Ordinal));
        progress.WriteLine("Patched Portkey's build with its upstream fix for streamed responses on Node (Portkey-AI/gateway#1551).");
        return Note;
    }

    /// <summary>The package's own entry point (its package.json "bin"), once installed.</summary>
    private static string? Script(string folder)
    {
        var package = Path.Combine(folder, "node_modules", "@portkey-ai", "gateway");
        var manifest = Path.Combine(package, "package.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
        var bin = json.RootElement.TryGetProperty("bin", out var b) ? b : default;
        var relative = bin.ValueKind switch
        {
            JsonValueKind.String => bin.GetString(),
            JsonValueKind.Object => bin.EnumerateObject().Select(p => p.Value.GetString()).FirstOrDefault(),
            _ => null,
        };
        var script = relative is null ? null : Path.GetFullPath(Path.Combine(package, relative));
        return script is not null && File.Exists(script) ? script : null;
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, program)));
}
