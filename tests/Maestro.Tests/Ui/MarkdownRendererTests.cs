using Maestro.Web.Rendering;

namespace Maestro.Tests.Ui;

/// <summary>Model output rendered to HTML: what Markdown gives, and that nothing in it can run script.</summary>
public sealed class MarkdownRendererTests
{
    [Fact]
    public void Renders_common_markdown()
    {
        var html = MarkdownRenderer.ToHtml("# Title\n\nSome **bold** and `code`.\n\n- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n");

        html.ShouldContain("<h1>Title</h1>");
        html.ShouldContain("<strong>bold</strong>");
        html.ShouldContain("<code>code</code>");
        html.ShouldContain("<li>a</li>");
        html.ShouldContain("<table>");
    }

    [Fact]
    public void Table_alignment_is_a_class_never_an_inline_style_the_csp_would_refuse()
    {
        var html = MarkdownRenderer.ToHtml("| left | middle | right | plain |\n|:--|:-:|--:|---|\n| *a* | b | 3 | d |\n| e | f | 6 | h |\n");

        html.ShouldNotContain("style=");
        html.ShouldContain("<th class=\"align-left\">left</th>");
        html.ShouldContain("<th class=\"align-center\">middle</th>");
        html.ShouldContain("<td class=\"align-right\">3</td>");
        html.ShouldContain("<td class=\"align-left\"><em>a</em></td>");
        html.ShouldContain("<td>d</td>");
        html.ShouldContain("<thead>");
        html.ShouldContain("</tbody>");
    }

    [Fact]
    public void Code_blocks_get_a_language_label_and_a_copy_button()
    {
        var html = MarkdownRenderer.ToHtml("```python\nprint('<hi>')\n```\n");

        html.ShouldContain("class=\"code-block\"");
        html.ShouldContain("<span class=\"code-lang\">python</span>");
        html.ShouldContain("aria-label=\"Copy code\"");
        html.ShouldContain("class=\"language-python\"");
        html.ShouldContain("print('&lt;hi&gt;')");
    }

    [Theory]
    [InlineData("<script>alert(1)</script>", "<script")]
    [InlineData("<img src=x onerror=alert(1)>", "<img")]
    [InlineData("Hello <b onmouseover=alert(1)>there</b>", "<b ")]
    [InlineData("<iframe src=\"https://evil.example\"></iframe>", "<iframe")]
    public void Raw_html_is_shown_as_text(string markdown, string forbidden)
    {
        var html = MarkdownRenderer.ToHtml(markdown);

        html.ShouldNotContain(forbidden);
        html.ShouldContain("&lt;");
    }

    [Theory]
    [InlineData("[click](javascript:alert(1))")]
    [InlineData("[click](JaVaScRiPt:alert(1))")]
    [InlineData("[click](&#106;avascript:alert(1))")]
    [InlineData("[click](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[click](vbscript:msgbox)")]
    [InlineData("<javascript:alert(1)>")]
    [InlineData("[click](/api/auths)")]
    public void Unsafe_links_become_text(string markdown)
    {
        var html = MarkdownRenderer.ToHtml(markdown);

        html.ShouldNotContain("href", customMessage: html);
        html.ShouldNotContain("<a", customMessage: html);
    }

    [Fact]
    public void Safe_links_open_in_a_new_tab_without_referrer()
    {
        var html = MarkdownRenderer.ToHtml("See [docs](https://example.com/a?b=1&c=2 \"The docs\"), mail <someone@example.com> or https://example.org.");

        html.ShouldContain("<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"https://example.com/a?b=1&amp;c=2\" title=\"The docs\">docs</a>");
        html.ShouldContain("href=\"mailto:someone@example.com\"");
        html.ShouldContain("href=\"https://example.org\"");
    }

    [Fact]
    public void Images_are_links_never_loaded()
    {
        var html = MarkdownRenderer.ToHtml("![a chart](https://tracker.example/pixel.png?secret=1)\n\n![x](javascript:alert(1))");

        html.ShouldNotContain("<img");
        html.ShouldContain("class=\"md-image\"");
        html.ShouldContain("Image: a chart");
        html.ShouldNotContain("javascript:");
    }

    [Fact]
    public void Attribute_syntax_is_not_enabled()
    {
        var html = MarkdownRenderer.ToHtml("# Title {onclick=alert(1)}\n\nText {#x .y onmouseover=alert(1)}");

        // The braces stay as text: no element gets an attribute from model output.
        System.Text.RegularExpressions.Regex.IsMatch(html, @"<[^>]*\son\w+=").ShouldBeFalse(html);
        html.ShouldContain("{onclick=alert(1)}");
    }
}
