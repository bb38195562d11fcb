using Maestro.Web.Rendering;

namespace Maestro.Tests.Ui;

/// <summary>
/// The streaming renderer: completed blocks are produced once and only the last block is re-rendered; whatever way
/// the text is cut into deltas, the completed blocks plus the final tail equal rendering the whole text at once.
/// </summary>
public sealed class StreamingMarkdownTests
{
    private const string Sample = """
        # Plan

        First paragraph with **bold** text
        that continues on a second line.

        - one
        - two

          still two

        1. first
        2. second

        ```csharp
        var x = 1;

        var y = 2;
        ```

        > quoted
        > text

        Setext heading
        ---

        | a | b |
        |---|---|
        | 1 | 2 |

        Last words with a [link](https://example.com).
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(40)]
    [InlineData(10_000)]
    public void Completed_blocks_and_final_tail_equal_the_whole_render(int chunk)
    {
        var stream = new StreamingMarkdown();
        var completed = new System.Text.StringBuilder();
        var tail = "";
        for (var i = 0; i < Sample.Length; i += chunk)
        {
            stream.Append(Sample.Substring(i, Math.Min(chunk, Sample.Length - i)));
            var update = stream.Flush();
            completed.Append(update.Completed);
            tail = update.Tail;
        }

        Normalize(completed + tail).ShouldBe(Normalize(MarkdownRenderer.ToHtml(Sample)));
    }

    [Fact]
    public void A_block_is_completed_only_when_the_next_one_starts()
    {
        var stream = new StreamingMarkdown();
        stream.Append("Hello wor");
        var first = stream.Flush();
        first.Completed.ShouldBeEmpty();
        first.Tail.ShouldContain("Hello wor");

        stream.Append("ld.\n\nNext");
        var second = stream.Flush();
        second.Completed.ShouldContain("<p>Hello world.</p>");
        second.Tail.ShouldBe("<p>Next</p>\n");

        stream.Append(" one");
        var third = stream.Flush();
        third.Completed.ShouldBeEmpty();
        third.Tail.ShouldBe("<p>Next one</p>\n");
    }

    [Fact]
    public void An_open_code_fence_stays_in_the_tail_until_it_closes()
    {
        var stream = new StreamingMarkdown();
        stream.Append("Intro\n\n```js\nlet a = 1;\n\nlet b = 2;\n");
        var open = stream.Flush();
        open.Completed.ShouldContain("<p>Intro</p>");
        open.Tail.ShouldContain("let a = 1;");
        open.Tail.ShouldContain("let b = 2;");

        stream.Append("```\n\nAfter");
        var closed = stream.Flush();
        closed.Completed.ShouldContain("code-block");
        closed.Completed.ShouldContain("let b = 2;");
        closed.Tail.ShouldBe("<p>After</p>\n");
    }

    [Fact]
    public void A_list_keeps_growing_in_the_tail()
    {
        var stream = new StreamingMarkdown();
        stream.Append("- a\n");
        stream.Flush().Tail.ShouldContain("<li>a</li>");
        stream.Append("- b\n\n- c\n");
        var update = stream.Flush();
        update.Completed.ShouldBeEmpty();
        update.Tail.ShouldContain("<li><p>a</p>");
        update.Tail.ShouldContain("<li><p>c</p>");
    }

    [Fact]
    public void Script_in_a_stream_is_text_even_when_split_across_deltas()
    {
        var stream = new StreamingMarkdown();
        var html = new System.Text.StringBuilder();
        foreach (var piece in new[] { "Hi <scr", "ipt>alert(1)</scr", "ipt>\n\n<img src=x onerr", "or=alert(1)>\n\n[x](java", "script:alert(1))" })
        {
            stream.Append(piece);
            var update = stream.Flush();
            html.Append(update.Completed).Append(update.Tail);
        }

        html.ToString().ShouldNotContain("<script");
        html.ToString().ShouldNotContain("<img");
        html.ToString().ShouldNotContain("href");
    }

    private static string Normalize(string html) => html.Replace("\n", "", StringComparison.Ordinal);
}
