using System.Diagnostics;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>`scripts/install`: a link on PATH to the checkout's launcher, idempotent, undone by --uninstall.</summary>
public sealed class InstallScriptTests
{
    [Fact]
    public async Task Install_links_the_launcher_once_and_uninstall_removes_it()
    {
        var bin = Path.Combine(Path.GetTempPath(), $"maestro-bin-{Guid.NewGuid():N}");
        try
        {
            var first = await RunAsync(bin);
            first.Output.ShouldContain("Linked");
            first.Output.ShouldContain("To undo");
            var link = new FileInfo(Path.Combine(bin, "maestro"));
            link.LinkTarget.ShouldBe(Path.Combine(RepoPaths.Root, "maestro"));

            var again = await RunAsync(bin);
            again.Output.ShouldContain("Already installed");

            var removed = await RunAsync(bin, "--uninstall");
            removed.Output.ShouldContain("Removed");
            File.Exists(Path.Combine(bin, "maestro")).ShouldBeFalse();
        }
        finally
        {
            if (Directory.Exists(bin))
            {
                Directory.Delete(bin, recursive: true);
            }
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(string bin, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(RepoPaths.Root, "scripts", "install"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MAESTRO_BIN_DIR"] = bin;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, output + error);
        return (process.ExitCode, output + error);
    }
}
