using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;

namespace Maestro.Web.Rendering;

/// <summary>Swaps Markdig's link, autolink and code block renderers for the safe, copyable ones.</summary>
internal sealed class SafeMarkdownExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html)
        {
            html.ObjectRenderers.Replace<LinkInlineRenderer>(new SafeLinkRenderer());
            html.ObjectRenderers.Replace<AutolinkInlineRenderer>(new SafeAutolinkRenderer());
            html.ObjectRenderers.Replace<CodeBlockRenderer>(new CopyableCodeBlockRenderer());
        }
    }
}
