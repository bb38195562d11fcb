using System.Text;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Shared;

/// <summary>
/// A text file attached to a message, for APIs whose only inline file blocks are images and PDFs: sent as a text part
/// that names the file, which every chat model reads.
/// </summary>
internal static class InlineTextFile
{
    public static bool Is(AIContent content) => content is DataContent d && d.MediaType.StartsWith("text/", StringComparison.Ordinal);

    public static string Text(DataContent file) =>
        $"<file name=\"{file.Name ?? "attachment.txt"}\">\n{Encoding.UTF8.GetString(file.Data.Span)}\n</file>";
}
