using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;

namespace Maestro.Web.Rendering;

/// <summary>Swaps Markdig's link, autolink, code block and table renderers for the safe, copyable, CSP-clean ones.</summary>
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
            html.ObjectRenderers.Replace<Markdig.Extensions.Tables.HtmlTableRenderer>(new AlignedTableRenderer());
        }
    }
}
