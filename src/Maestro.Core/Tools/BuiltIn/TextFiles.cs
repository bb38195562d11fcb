using System.Globalization;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>Small facts about files that several tools report the same way.</summary>
internal static class TextFiles
{
    /// <summary>How much of a file is sniffed for NUL bytes, the heuristic git and grep use for "binary".</summary>
    private const int SniffBytes = 8192;

    /// <summary>Sniffs the start of an open file (then puts it back at the start).</summary>
    public static bool LooksBinary(Stream stream)
    {
        Span<byte> buffer = stackalloc byte[SniffBytes];
        var read = stream.ReadAtLeast(buffer, SniffBytes, throwOnEndOfStream: false);
        stream.Position = 0;
        return LooksBinary(buffer[..read]);
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
