using System.Text;
using System.Text.Encodings.Web;

namespace Maestro.Web.Ui;

/// <summary>Writers of htmx out-of-band swap wrappers: the live fragments only ever target elements by id.</summary>
public static class Oob
{
    /// <summary>Appends HTML inside the element with the id (for a message list, app.js replaces an element that is already there).</summary>
    public static StringBuilder AppendTo(this StringBuilder html, string id, string inner) =>
        html.Append("<div hx-swap-oob=\"beforeend:#").Append(id).Append("\">").Append(inner).Append("</div>");

    /// <summary>Appends text (escaped) inside the element with the id.</summary>
    public static StringBuilder AppendTextTo(this StringBuilder html, string id, string text) =>
        html.Append("<div hx-swap-oob=\"beforeend:#").Append(id).Append("\">").Append(HtmlEncoder.Default.Encode(text)).Append("</div>");

    /// <summary>Replaces the element with the id by a new one with the same id.</summary>
    public static StringBuilder Replace(this StringBuilder html, string tag, string id, string cssClass, string inner) =>
        html.Append('<').Append(tag).Append(" id=\"").Append(id).Append("\" class=\"").Append(cssClass).Append("\" hx-swap-oob=\"true\">")
            .Append(inner).Append("</").Append(tag).Append('>');

    public static StringBuilder Delete(this StringBuilder html, string id) =>
        html.Append("<div id=\"").Append(id).Append("\" hx-swap-oob=\"delete\"></div>");
}
