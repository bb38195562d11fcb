using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;

namespace Maestro.Web.Rendering;

/// <summary>
/// Model output to HTML, on the server. Raw HTML is disabled (it shows as text), links are limited to http(s) and
/// mailto, images become links, and no extension that accepts arbitrary attributes is enabled, so whatever a model
/// writes can never run script in the page.
/// </summary>
public static class MarkdownRenderer
{
    public static MarkdownPipeline Pipeline { get; } = Build();

    public static string ToHtml(string markdown)
    {
        if (string.IsNullOrEmpty(markdown))
        {
            return "";
        }

        var document = Markdown.Parse(markdown, Pipeline);
        using var writer = new StringWriter();
        var renderer = NewRenderer(writer);
        renderer.Render(document);
        return writer.ToString();
    }

    /// <summary>Renders some top-level blocks of a parsed document.</summary>
    internal static string Render(MarkdownDocument document, int from, int count)
    {
        if (count <= 0)
        {
            return "";
        }

        using var writer = new StringWriter();
        var renderer = NewRenderer(writer);
        for (var i = from; i < from + count; i++)
        {
            renderer.Render(document[i]);
        }

        return writer.ToString();
    }

    private static HtmlRenderer NewRenderer(TextWriter writer)
    {
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        return renderer;
    }

    private static MarkdownPipeline Build()
    {
        var builder = new MarkdownPipelineBuilder()
            .DisableHtml()
            .UsePipeTables()
            .UseEmphasisExtras()
            .UseTaskLists()
            .UseAutoLinks();
        builder.Extensions.Add(new SafeMarkdownExtension());
        return builder.Build();
    }
}
