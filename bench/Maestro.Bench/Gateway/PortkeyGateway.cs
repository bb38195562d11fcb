using System.Diagnostics;
using System.Text.Json;

namespace Maestro.Bench.Gateway;

/// <summary>
/// The Portkey AI gateway (npm <c>@portkey-ai/gateway</c>), installed with npm into a cache folder outside the repository
/// on first use and run with Node: the same kind of gateway, measured with the same load and the same upstream.
/// </summary>
public static class PortkeyGateway
{
    /// <summary>The script that starts the gateway, installing the package first if needed; null with the reason when it cannot be had.</summary>
    public static async Task<(string? Script, string? Problem)> EnsureInstalledAsync(string version, TextWriter progress, CancellationToken cancellationToken)
    {
        var cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        var folder = Path.Combine(cacheRoot, "maestro-bench", $"portkey-gateway-{version}");
        if (Script(folder) is { } installed)
        {
            return (installed, null);
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

        return (script, null);
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
