using System.Runtime.InteropServices;
using Maestro.Core.Tools;

namespace Maestro.Tests.Tools;

/// <summary>
/// The attack on the check-then-use gap: while the file tools work in "dir", another thread keeps swapping "dir"
/// between a real folder and a symbolic link to a folder outside the working directory (rename(2) is atomic, so "dir"
/// is always one or the other, or briefly absent). Whatever the timing, nothing outside may be read, listed or written.
/// </summary>
public sealed class SymlinkRaceTests : IDisposable
{
    private const int Rounds = 700;
    private const string InsideText = "inside text";
    private readonly ToolWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Swapping_a_folder_for_a_link_to_the_outside_while_tools_read_and_write_never_escapes()
    {
        _ws.Write("dir/file.txt", InsideText + "\n");
        // The same editable text as inside, so an edit that escaped would change it.
        File.WriteAllText(Path.Combine(_ws.Outside, "file.txt"), $"{InsideText}\n{ToolWorkspace.Secret}\n");
        File.WriteAllText(Path.Combine(_ws.Outside, "outside-only.txt"), ToolWorkspace.Secret + "\n");
        Directory.Move(_ws.PathOf("dir"), _ws.PathOf("dir.real"));
        File.CreateSymbolicLink(_ws.PathOf("dir.link"), _ws.Outside);

        using var stop = new CancellationTokenSource();
        var swaps = 0;
        var swapper = Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                Swap("dir.real");
                Swap("dir.link");
                swaps++;
            }
        }, TaskCreationOptions.LongRunning);

        var tries = 0;
        var escapes = new List<string>();
        var refused = 0;
        var outsideBefore = OutsideState();
        for (var i = 0; i < Rounds; i++)
        {
            Check("read_file", await RunAsync("read_file", new { path = "dir/file.txt" }));
            Check("grep", await RunAsync("grep", new { pattern = "SECRET|inside", path = "dir" }));
            Check("list_dir", await RunAsync("list_dir", new { path = "dir" }));
            Check("glob", await RunAsync("glob", new { pattern = "*.txt", path = "dir" }));
            Check("write_file", await RunAsync("write_file", new { path = $"dir/written-{i}.txt", content = "from the model" }));
            var (from, to) = i % 2 == 0 ? (InsideText, InsideText.ToUpperInvariant()) : (InsideText.ToUpperInvariant(), InsideText);
            Check("edit_file", await RunAsync("edit_file", new { path = "dir/file.txt", old_string = from, new_string = to }));
            if (OutsideState() != outsideBefore)
            {
                escapes.Add($"round {i}: a file outside was created or changed");
                outsideBefore = OutsideState();
            }
        }

        await stop.CancelAsync();
        await swapper;

        var figures = $"{tries} tool calls during {swaps} swaps: {escapes.Count} escapes, {refused} refused or failed because the path changed";
        TestContext.Current.TestOutputHelper?.WriteLine(figures);
        TestContext.Current.SendDiagnosticMessage(figures);
        escapes.ShouldBeEmpty(figures);
        swaps.ShouldBeGreaterThan(100, "the swapping ran throughout");
        refused.ShouldBeGreaterThan(0, "the race was live: some calls met the link");

        void Check(string tool, ToolResult result)
        {
            tries++;
            if (result.Text.Contains(ToolWorkspace.Secret, StringComparison.Ordinal) || result.Text.Contains("outside-only", StringComparison.Ordinal))
            {
                escapes.Add($"{tool}: {result.Text[..Math.Min(200, result.Text.Length)]}");
            }

            if (result.IsError)
            {
                refused++;
            }
        }
    }

    /// <summary>A refused path is an answer too (the tools throw it as an argument error).</summary>
    private async Task<ToolResult> RunAsync(string tool, object arguments)
    {
        try
        {
            return await _ws.RunAsync(tool, arguments);
        }
        catch (ToolArgumentException e)
        {
            return ToolResult.Error(e.Message);
        }
    }

    /// <summary>Puts <paramref name="name"/> at "dir" and back with rename(2), which replaces names atomically.</summary>
    private void Swap(string name)
    {
        if (Rename(_ws.PathOf(name), _ws.PathOf("dir")) != 0 || Rename(_ws.PathOf("dir"), _ws.PathOf(name)) != 0)
        {
            // write_file recreated a missing "dir" (as it should): clear it so the swapping goes on.
            var dir = new DirectoryInfo(_ws.PathOf("dir"));
            if (dir.Exists && dir.LinkTarget is null && Directory.Exists(_ws.PathOf("dir.real")) && File.Exists(_ws.PathOf("dir.real/file.txt")))
            {
                try
                {
                    dir.Delete(recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    [DllImport("libc", EntryPoint = "rename", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Rename(string from, string to);

    private string OutsideState() => string.Join("|", Directory.GetFiles(_ws.Outside).Order(StringComparer.Ordinal)
        .Select(f => $"{Path.GetFileName(f)}:{File.ReadAllText(f)}"));
}
