using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Maestro.Web.Rendering;

/// <summary>Code blocks get a header with their language and a copy button (wired in app.js).</summary>
internal sealed class CopyableCodeBlockRenderer : CodeBlockRenderer
{
    protected override void Write(HtmlRenderer renderer, CodeBlock obj)
    {
        var language = obj is FencedCodeBlock { Info: { Length: > 0 } info } ? info : "text";
        renderer.EnsureLine();
        renderer.Write("<div class=\"code-block\"><div class=\"code-head\"><span class=\"code-lang\">");
        renderer.WriteEscape(language);
        renderer.Write("</span><button type=\"button\" class=\"copy small\" aria-label=\"Copy code\">Copy</button></div>");
        base.Write(renderer, obj);
        renderer.Write("</div>");
        renderer.EnsureLine();
    }
}
