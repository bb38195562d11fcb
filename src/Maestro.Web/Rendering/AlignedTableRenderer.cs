using System.Globalization;
using Markdig.Extensions.Tables;
using Markdig.Renderers;
using Markdig.Renderers.Html;

namespace Maestro.Web.Rendering;

/// <summary>
/// Pipe tables with column alignment as classes (<c>align-right</c>…) instead of Markdig's inline <c>style</c>
/// attributes, which the page's Content-Security-Policy (<c>style-src 'self'</c>) would refuse.
/// </summary>
internal sealed class AlignedTableRenderer : HtmlObjectRenderer<Table>
{
    protected override void Write(HtmlRenderer renderer, Table table)
    {
        renderer.EnsureLine();
        renderer.WriteLine("<table>");
        var section = "";
        foreach (var block in table)
        {
            var row = (TableRow)block;
            var wanted = row.IsHeader ? "thead" : "tbody";
            if (section != wanted)
            {
                if (section.Length > 0)
                {
                    renderer.WriteLine($"</{section}>");
                }

                renderer.WriteLine($"<{wanted}>");
                section = wanted;
            }

            renderer.WriteLine("<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                var cell = (TableCell)row[i];
                var column = cell.ColumnIndex >= 0 ? cell.ColumnIndex : i;
                renderer.Write(row.IsHeader ? "<th" : "<td");
                if (cell.ColumnSpan != 1)
                {
                    renderer.Write(" colspan=\"").Write(cell.ColumnSpan.ToString(CultureInfo.InvariantCulture)).Write('"');
                }

                if (cell.RowSpan != 1)
                {
                    renderer.Write(" rowspan=\"").Write(cell.RowSpan.ToString(CultureInfo.InvariantCulture)).Write('"');
                }

                if (column < table.ColumnDefinitions.Count && table.ColumnDefinitions[column].Alignment is { } alignment)
                {
                    renderer.Write(alignment switch
                    {
                        TableColumnAlign.Center => " class=\"align-center\"",
                        TableColumnAlign.Right => " class=\"align-right\"",
                        _ => " class=\"align-left\"",
                    });
                }

                renderer.Write('>');
                var implicitParagraph = renderer.ImplicitParagraph;
                if (cell.Count == 1)
                {
                    renderer.ImplicitParagraph = true;
                }

                renderer.Write(cell);
                renderer.ImplicitParagraph = implicitParagraph;
                renderer.WriteLine(row.IsHeader ? "</th>" : "</td>");
            }

            renderer.WriteLine("</tr>");
        }

        if (section.Length > 0)
        {
            renderer.WriteLine($"</{section}>");
        }

        renderer.WriteLine("</table>");
    }
}
