using System.Diagnostics;

namespace Maestro.Bench.Load;

/// <summary>
/// The Maestro build that `load` runs as separate processes: this repository by default, or another checkout (to
/// measure an older commit against the same benchmark). Its `./maestro` script builds the CLI when sources changed.
/// </summary>
public sealed record MaestroCheckout(string Root)
{
    public string Dll => Path.Combine(Root, "artifacts", "cli", "maestro.dll");

    /// <summary>The checkout at <paramref name="path"/>, or the one this benchmark was built from.</summary>
    public static MaestroCheckout Find(string? path)
    {
        if (path is not null)
        {
            var full = Path.GetFullPath(path);
            return File.Exists(Path.Combine(full, "maestro"))
                ? new MaestroCheckout(full)
                : throw new ArgumentException($"--maestro {path}: no `maestro` script there; give the root of a Maestro checkout.");
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maestro.slnx")) && File.Exists(Path.Combine(dir.FullName, "maestro")))
            {
                return new MaestroCheckout(dir.FullName);
            }
        }

        throw new ArgumentException("Cannot find the Maestro checkout this benchmark belongs to; pass --maestro PATH.");
    }

    /// <summary>Builds the CLI if its sources changed (the checkout's own script decides), so the run measures the code as it is.</summary>
    public async Task EnsureBuiltAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        progress.WriteLine($"Checking the build of {Root} …");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(Root, "maestro"));
        info.ArgumentList.Add("--version");
        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run bash.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || !File.Exists(Dll))
        {
            throw new InvalidOperationException($"Building Maestro in {Root} failed:\n{await errors}{await output}");
        }
    }
}
