using Markdig.Renderers;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax.Inlines;

namespace Maestro.Web.Rendering;

/// <summary>&lt;scheme:...&gt; autolinks: CommonMark accepts any scheme (javascript: too); only safe ones become links.</summary>
internal sealed class SafeAutolinkRenderer : AutolinkInlineRenderer
{
    protected override void Write(HtmlRenderer renderer, AutolinkInline link)
    {
        var url = link.IsEmail ? "mailto:" + link.Url : link.Url;
        if (!SafeUrls.IsAllowed(url))
        {
            renderer.WriteEscape(link.Url);
            return;
        }

        renderer.Write("<a target=\"_blank\" rel=\"noopener noreferrer nofollow\" href=\"");
        renderer.WriteEscapeUrl(url);
        renderer.Write("\">");
        renderer.WriteEscape(link.Url);
        renderer.Write("</a>");
    }
}
