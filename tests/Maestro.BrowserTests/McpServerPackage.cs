using System.Diagnostics;

namespace Maestro.BrowserTests;

/// <summary>
/// The reference MCP server the unit tests use (tests/Maestro.Tests/Mcp/server-everything, pinned by its
/// package-lock.json), installed with `npm ci` when missing.
/// </summary>
public static class McpServerPackage
{
    private static readonly Lazy<Task> Installed = new(InstallAsync);

    public static string Folder { get; } = Path.Combine(RepoPaths.Root, "tests", "Maestro.Tests", "Mcp", "server-everything");

    public static string Script { get; } = Path.Combine(Folder, "node_modules", "@modelcontextprotocol", "server-everything", "dist", "index.js");

    public static Task EnsureInstalledAsync() => Installed.Value;

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
        };
        using var npm = Process.Start(start)!;
        var output = npm.StandardOutput.ReadToEndAsync();
        var errors = npm.StandardError.ReadToEndAsync();
        await npm.WaitForExitAsync();
        if (npm.ExitCode != 0 || !File.Exists(Script))
        {
            throw new InvalidOperationException($"npm ci in {Folder} failed: {await output}{await errors}");
        }
    }
}
