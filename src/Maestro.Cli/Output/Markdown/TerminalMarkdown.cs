using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;
using MarkdigCell = Markdig.Extensions.Tables.TableCell;
using MarkdigRow = Markdig.Extensions.Tables.TableRow;
using MarkdigTable = Markdig.Extensions.Tables.Table;
using SpectreTable = Spectre.Console.Table;
using TableColumnAlign = Markdig.Extensions.Tables.TableColumnAlign;

namespace Maestro.Cli.Output.Markdown;

/// <summary>
/// Model output as Markdown for a terminal: headings, emphasis, inline code, fenced code blocks, lists, quotes, links and
/// tables become Spectre.Console renderables. Parsed with the web UI's pipeline, so both read a message the same way;
/// raw HTML stays text, and only http(s) and mailto links are made clickable.
/// </summary>
public static class TerminalMarkdown
{
    private static readonly Style Code = new(Color.Aqua);
    private static readonly Style LinkStyle = new(Color.DodgerBlue1, decoration: Decoration.Underline);
    private static readonly Style Dim = new(Color.Grey);

    public static MarkdownDocument Parse(string markdown) => Markdig.Markdown.Parse(markdown, Maestro.Web.Rendering.MarkdownRenderer.Pipeline);

    /// <summary>True when rendering changes more than line wrapping (plain sentences are left as they streamed).</summary>
    public static bool HasFormatting(MarkdownDocument document) =>
        document.Any(block => block is not ParagraphBlock { Inline: { } inline } || inline.Any(i => i is not (LiteralInline or LineBreakInline)));

    public static IRenderable Render(MarkdownDocument document) => new Rows(Blocks(document, Style.Plain, loose: true));

    private static List<IRenderable> Blocks(IEnumerable<Block> blocks, Style style, bool loose)
    {
        var rendered = new List<IRenderable>();
        foreach (var block in blocks)
        {
            if (RenderBlock(block, style) is not { } one)
            {
                continue;
            }

            if (loose && rendered.Count > 0)
            {
                rendered.Add(new Text(" "));
            }

            rendered.Add(one);
        }

        return rendered;
    }

    private static IRenderable? RenderBlock(Block block, Style style) => block switch
    {
        HeadingBlock heading => AppendInline(new Paragraph(), heading.Inline, style.Combine(Heading(heading.Level))),
        ParagraphBlock paragraph => AppendInline(new Paragraph(), paragraph.Inline, style),
        FencedCodeBlock fenced => CodeLines(fenced, fenced.Info),
        CodeBlock code => CodeLines(code, null),
        ListBlock list => ListOf(list, style),
        QuoteBlock quote => new Padder(new Rows(Blocks(quote, style.Combine(new Style(Color.Grey, decoration: Decoration.Italic)), loose: true)), new Padding(2, 0, 0, 0)),
        ThematicBreakBlock => new Rule().RuleStyle(Dim),
        MarkdigTable table => TableOf(table, style),
        HtmlBlock html => new Text(html.Lines.ToString(), style),
        LinkReferenceDefinitionGroup => null,
        ContainerBlock container => new Rows(Blocks(container, style, loose: false)),
        LeafBlock leaf => leaf.Inline is { } inline ? AppendInline(new Paragraph(), inline, style) : new Text(leaf.Lines.ToString(), style),
        _ => null,
    };

    private static Style Heading(int level) => level switch
    {
        1 => new Style(Color.Yellow, decoration: Decoration.Bold | Decoration.Underline),
        2 => new Style(Color.Yellow, decoration: Decoration.Bold),
        _ => new Style(decoration: Decoration.Bold),
    };

    /// <summary>The code as written (no indent, no frame), so it copies cleanly; the language, if named, above it.</summary>
    private static IRenderable CodeLines(LeafBlock code, string? language)
    {
        var text = new Text(code.Lines.ToString(), Code);
        return string.IsNullOrWhiteSpace(language) ? text : new Rows(new Text(language.Trim(), Dim), text);
    }

    private static Grid ListOf(ListBlock list, Style style)
    {
        var grid = new Grid()
            .AddColumn(new GridColumn().NoWrap().Padding(0, 0, 1, 0))
            .AddColumn(new GridColumn().Padding(0, 0, 0, 0));
        var number = list.IsOrdered && int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var item in list.OfType<ListItemBlock>())
        {
            var marker = list.IsOrdered ? $"{number++}{list.OrderedDelimiter}" : Bullet(list);
            var content = Blocks(item, style, loose: list.IsLoose);
            grid.AddRow(new Text(marker, Dim), content.Count == 1 ? content[0] : new Rows(content));
        }

        return grid;
    }

    /// <summary>• at the top level, ◦ and ▪ deeper down, as in most renderers.</summary>
    private static string Bullet(ListBlock list)
    {
        var depth = 0;
        for (var parent = list.Parent; parent is not null; parent = parent.Parent)
        {
            depth += parent is ListBlock ? 1 : 0;
        }

        return (depth % 3) switch
        {
            0 => "•",
            1 => "◦",
            _ => "▪",
        };
    }

    private static SpectreTable TableOf(MarkdigTable source, Style style)
    {
        var table = new SpectreTable().Border(TableBorder.Rounded).BorderStyle(Dim);
        var rows = source.OfType<MarkdigRow>().ToList();
        var header = rows.FirstOrDefault(r => r.IsHeader);
        var columns = source.ColumnDefinitions.Count > 0 ? source.ColumnDefinitions.Count : rows.Select(r => r.Count).DefaultIfEmpty(0).Max();
        for (var i = 0; i < columns; i++)
        {
            var title = header is not null && i < header.Count ? Cell((MarkdigCell)header[i], style.Combine(new Style(decoration: Decoration.Bold))) : new Text("");
            var column = new TableColumn(title);
            if (i < source.ColumnDefinitions.Count)
            {
                column.Alignment = source.ColumnDefinitions[i].Alignment switch
                {
                    TableColumnAlign.Center => Justify.Center,
                    TableColumnAlign.Right => Justify.Right,
                    _ => Justify.Left,
                };
            }

            table.AddColumn(column);
        }

        if (header is null)
        {
            table.HideHeaders();
        }

        foreach (var row in rows.Where(r => r != header))
        {
            var cells = new List<IRenderable>();
            for (var i = 0; i < columns; i++)
            {
                cells.Add(i < row.Count ? Cell((MarkdigCell)row[i], style) : new Text(""));
            }

            table.AddRow(cells);
        }

        return table;
    }

    private static IRenderable Cell(MarkdigCell cell, Style style)
    {
        var blocks = Blocks(cell, style, loose: false);
        return blocks.Count switch
        {
            0 => new Text(""),
            1 => blocks[0],
            _ => new Rows(blocks),
        };
    }

    private static Paragraph AppendInline(Paragraph paragraph, ContainerInline? inlines, Style style)
    {
        if (inlines is not null)
        {
            foreach (var inline in inlines)
            {
                AppendInline(paragraph, inline, style);
            }
        }

        return paragraph;
    }

    private static void AppendInline(Paragraph paragraph, Inline inline, Style style)
    {
        switch (inline)
        {
            case LiteralInline literal:
                paragraph.Append(literal.Content.ToString(), style);
                break;
            case CodeInline code:
                paragraph.Append(code.Content, style.Combine(Code));
                break;
            case EmphasisInline emphasis:
                AppendInline(paragraph, emphasis, style.Combine(new Style(decoration: Emphasis(emphasis))));
                break;
            case LineBreakInline lineBreak:
                // A soft break is a space: the terminal's width decides where lines end.
                paragraph.Append(lineBreak.IsHard ? "\n" : " ", style);
                break;
            case TaskList task:
                paragraph.Append(task.Checked ? "☑ " : "☐ ", style);
                break;
            case AutolinkInline autolink:
                AppendLink(paragraph, autolink.IsEmail ? "mailto:" + autolink.Url : autolink.Url, autolink.Url, style);
                break;
            case LinkInline link:
                var label = string.Concat(link.Select(Plain));
                if (link.IsImage)
                {
                    paragraph.Append($"[image: {label}]", style.Combine(Dim));
                    if (!string.IsNullOrEmpty(link.Url))
                    {
                        paragraph.Append($" ({link.Url})", style.Combine(Dim));
                    }

                    break;
                }

                AppendLink(paragraph, link.Url ?? "", label, style);
                break;
            case HtmlEntityInline entity:
                paragraph.Append(entity.Transcoded.ToString(), style);
                break;
            case HtmlInline html:
                paragraph.Append(html.Tag, style);
                break;
            case ContainerInline container:
                AppendInline(paragraph, container, style);
                break;
            default:
                paragraph.Append(Plain(inline), style);
                break;
        }
    }

    /// <summary>The link's text, clickable where the terminal supports it, followed by its address when that differs.</summary>
    private static void AppendLink(Paragraph paragraph, string url, string label, Style style)
    {
        var clickable = Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto";
        var link = clickable ? new Link(url) : null;
        paragraph.Append(label.Length > 0 ? label : url, style.Combine(LinkStyle), link);
        var shown = url.StartsWith("mailto:", StringComparison.Ordinal) ? url["mailto:".Length..] : url;
        if (label.Length > 0 && shown.Length > 0 && shown != label)
        {
            paragraph.Append($" ({shown})", style.Combine(Dim), link);
        }
    }

    private static Decoration Emphasis(EmphasisInline emphasis) => emphasis.DelimiterChar switch
    {
        '~' => Decoration.Strikethrough,
        _ when emphasis.DelimiterCount >= 2 => Decoration.Bold,
        _ => Decoration.Italic,
    };

    private static string Plain(Inline inline) => inline switch
    {
        LiteralInline literal => literal.Content.ToString(),
        CodeInline code => code.Content,
        HtmlEntityInline entity => entity.Transcoded.ToString(),
        LineBreakInline => " ",
        ContainerInline container => string.Concat(container.Select(Plain)),
        _ => "",
    };
}
