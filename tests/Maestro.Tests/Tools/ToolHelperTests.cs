using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;

namespace Maestro.Tests.Tools;

/// <summary>The small pieces the tools share, where their edge cases are easiest to pin down.</summary>
public sealed class ToolHelperTests
{
    [Theory]
    [InlineData(10, 1_000)]
    [InlineData(1_000, 1_000)]
    [InlineData(1_001, 1_000)]
    [InlineData(1_999, 1_000)]
    [InlineData(25_000, 1_000)]
    [InlineData(100_000, 30_000)]
    public void Bounded_output_renders_exactly_like_OutputTruncation_HeadTail(int length, int maxChars)
    {
        var text = string.Concat(Enumerable.Range(0, (length / 7) + 1).Select(i => $"{i,6}\n"))[..length];
        var output = new BoundedOutput(maxChars);
        for (var at = 0; at < text.Length; at += 333)
        {
            output.Append(text.AsSpan(at, Math.Min(333, text.Length - at)));
        }

        output.ToString().ShouldBe(OutputTruncation.HeadTail(text, maxChars));
        output.TotalChars.ShouldBe(length);
    }

    [Fact]
    public async Task Lines_are_split_on_lf_and_crlf_and_cut_without_holding_a_long_line()
    {
        var text = "one\r\ntwo\n\nlong " + new string('x', 100_000) + "\r\nlast\r";
        using var reader = new StringReader(text);
        var lines = new BoundedLineReader(reader, maxChars: 10);
        var read = new List<(string, long)>();
        while (await lines.ReadLineAsync(CancellationToken.None) is { } line)
        {
            read.Add(line);
        }

        read.ShouldBe([("one", 3L), ("two", 3L), ("", 0L), ("long xxxxx", 100_005L), ("last", 4L)]);
    }

    [Theory]
    [InlineData("*.{ts,tsx}", new[] { "*.ts", "*.tsx" })]
    [InlineData("src/{a,b}/**/*.{cs,fs}", new[] { "src/a/**/*.cs", "src/a/**/*.fs", "src/b/**/*.cs", "src/b/**/*.fs" })]
    [InlineData("{x,{y,z}}.txt", new[] { "x.txt", "y.txt", "z.txt" })]
    [InlineData("plain/*.md", new[] { "plain/*.md" })]
    [InlineData("broken{a,b", new[] { "broken{a,b" })]
    public void Glob_alternatives_are_expanded(string pattern, string[] expected) =>
        GlobPatterns.ExpandBraces(pattern).ShouldBe(expected);

    [Theory]
    [InlineData("src/app/**/*.ts", "src/app", "**/*.ts")]
    [InlineData("**/*.cs", "", "**/*.cs")]
    [InlineData("docs/readme.md", "docs", "readme.md")]
    [InlineData("src/{a,b}/*.cs", "src", "{a,b}/*.cs")]
    public void A_glob_starts_its_walk_at_its_fixed_folders(string pattern, string prefix, string remainder) =>
        GlobPatterns.SplitLiteralPrefix(pattern).ShouldBe((prefix, remainder));

    [Theory]
    [InlineData("", null)]
    [InlineData("one line", null)]
    [InlineData("a\nb\n", "\n")]
    [InlineData("a\r\nb\r\n", "\r\n")]
    [InlineData("a\r\nb\n", null)]
    public void Line_endings_are_detected_only_when_consistent(string text, string? expected) =>
        EditFileTool.DetectLineEnding(text).ShouldBe(expected);

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(5 * 1024 * 1024, "5 MB")]
    public void Sizes_read_as_a_person_would_say_them(long bytes, string expected) =>
        TextFiles.FormatSize(bytes).ShouldBe(expected);
}
