using Maestro.Cli.Output.Markdown;
using Spectre.Console;

namespace Maestro.Tests.Cli;

/// <summary>
/// The REPL's rewrite of a finished answer: how many rows the streamed text took (what the cursor must climb), when it
/// may be rewritten at all, and what the rendering shows.
/// </summary>
public sealed class MarkdownRewriteTests
{
    [Theory]
    [InlineData("one line", 80, 1)]
    [InlineData("one line\n", 80, 1)]
    [InlineData("a\n\nb\n", 80, 3)]
    [InlineData("0123456789", 10, 1)]
    [InlineData("0123456789a", 10, 2)]
    [InlineData("\tx", 10, 1)]
    [InlineData("\t\tx", 10, 2)]
    [InlineData("漢字漢字漢字", 10, 2)]
    [InlineData("", 80, 1)]
    public void Rows_counts_wrapped_lines_tabs_and_wide_characters(string text, int width, int rows) =>
        MarkdownRewrite.Rows(text, width).ShouldBe(rows);

    [Fact]
    public void A_finished_answer_that_fits_is_erased_and_rendered_in_its_place()
    {
        var (rewrite, stdout, console) = Create(height: 40);
        rewrite.Start(atLineStart: true);
        rewrite.Append("# Title\n\n- **bold** item\n");

        rewrite.Finish().ShouldBeTrue();
        stdout.ToString().ShouldBe("\u001b[3A\r\u001b[J");
        var shown = console.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        shown.ShouldContain("Title");
        shown.ShouldContain("• bold item");
    }

    [Fact]
    public void An_answer_taller_than_the_screen_plain_prose_or_one_that_did_not_start_a_line_is_left_as_it_streamed()
    {
        var (tall, tallOut, _) = Create(height: 3);
        tall.Start(atLineStart: true);
        tall.Append("# Title\n\n- item\n");
        tall.Finish().ShouldBeFalse();
        tallOut.ToString().ShouldBeEmpty();

        var (plain, plainOut, _) = Create(height: 40);
        plain.Start(atLineStart: true);
        plain.Append("Just words,\nover two lines.");
        plain.Finish().ShouldBeFalse();
        plainOut.ToString().ShouldBeEmpty();

        var (midLine, midOut, _) = Create(height: 40);
        midLine.Start(atLineStart: false);
        midLine.Append("# Title\n");
        midLine.Finish().ShouldBeFalse();
        midOut.ToString().ShouldBeEmpty();
    }

    /// <summary>The rewrite's cursor moves on one writer, the rendering (plain, 80 columns wide) on another.</summary>
    private static (MarkdownRewrite Rewrite, StringWriter Stdout, StringWriter Console) Create(int height)
    {
        var stdout = new StringWriter();
        var rendered = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(rendered),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 80;
        return (new MarkdownRewrite(console, stdout, () => (80, height)), stdout, rendered);
    }
}
