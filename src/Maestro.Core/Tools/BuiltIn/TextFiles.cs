using System.Globalization;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>Small facts about files that several tools report the same way.</summary>
internal static class TextFiles
{
    /// <summary>How much of a file is sniffed for NUL bytes, the heuristic git and grep use for "binary".</summary>
    private const int SniffBytes = 8192;

    public static bool LooksBinary(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        Span<byte> buffer = stackalloc byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, SniffBytes, throwOnEndOfStream: false);
        return LooksBinary(buffer[..read]);
    }

    /// <summary>
    /// Replaces (or creates) a file all at once: the bytes go to a temporary file beside it, which is then renamed over
    /// it. A watcher (a dev server, a test runner) never sees half a file, and a crash leaves the old one intact. An
    /// existing file keeps its permissions; a symbolic link keeps pointing where it did and its target is replaced.
    /// </summary>
    public static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var existing = new FileInfo(path);
        if (existing.LinkTarget is not null && existing.ResolveLinkTarget(returnFinalTarget: true) is { } target)
        {
            existing = new FileInfo(target.FullName);
        }

        var temporary = Path.Join(existing.DirectoryName, $".{existing.Name}.{Guid.NewGuid():N}.maestro-tmp");
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            if (existing.Exists && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, existing.UnixFileMode);
            }

            File.Move(temporary, existing.FullName, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static bool LooksBinary(ReadOnlySpan<byte> head) => head[..Math.Min(head.Length, SniffBytes)].Contains((byte)0);

    /// <summary>"532 B", "12.4 KB", "3.0 MB": what a person would say.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.#} GB"),
    };

    /// <summary>Lines as an editor counts them: a final line without a newline still counts.</summary>
    public static int CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var newlines = text.AsSpan().Count('\n');
        return text[^1] == '\n' ? newlines : newlines + 1;
    }

    public static string Plural(long count, string singular, string? plural = null) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {(count == 1 ? singular : plural ?? singular + "s")}");
}
