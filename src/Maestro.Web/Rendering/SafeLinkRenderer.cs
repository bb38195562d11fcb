using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax.Inlines;

namespace Maestro.Web.Rendering;

/// <summary>
/// Links open in a new tab without referrer; unsafe targets become plain text. Images are shown as links, never
/// loaded: a remote image in model output could carry data out of the conversation the moment it renders.
/// </summary>
internal sealed class SafeLinkRenderer : LinkInlineRenderer
{
    protected override void Write(HtmlRenderer renderer, LinkInline link)
    {
        var url = link.GetDynamicUrl?.Invoke() ?? link.Url;
        if (!SafeUrls.IsAllowed(url))
        {
            renderer.WriteChildren(link);
            return;
        }

        if (link.IsImage)
        {
            renderer.Write("<a class=\"md-image\" target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"");
            renderer.WriteEscapeUrl(url);
            renderer.Write("\">Image: ");
            renderer.WriteChildren(link);
            renderer.Write("</a>");
            return;
        }

        renderer.Write("<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"");
        renderer.WriteEscapeUrl(url);
        renderer.Write('"');
        if (!string.IsNullOrEmpty(link.Title))
        {
            renderer.Write(" title=\"");
            renderer.WriteEscape(link.Title);
            renderer.Write('"');
        }

        renderer.Write('>');
        renderer.WriteChildren(link);
        renderer.Write("</a>");
    }
}
