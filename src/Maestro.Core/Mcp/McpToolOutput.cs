using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace Maestro.Core.Mcp;

/// <summary>
/// Turns an MCP tool result into the text the model reads: text blocks joined by newlines, text resources with their
/// URI, and everything else (images, audio, binary resources, resource links) as a one-line summary such as
/// "[image: image/png, 12 KB]". Structured content is used only when there is no content at all.
/// </summary>
public static class McpToolOutput
{
    public static string Format(CallToolResult result)
    {
        var text = new StringBuilder();
        foreach (var block in result.Content)
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }

            text.Append(block switch
            {
                TextContentBlock t => t.Text,
                ImageContentBlock image => $"[image: {image.MimeType}, {Size(Base64Bytes(image.Data.Length))}]",
                AudioContentBlock audio => $"[audio: {audio.MimeType}, {Size(Base64Bytes(audio.Data.Length))}]",
                EmbeddedResourceBlock { Resource: TextResourceContents r } => $"[resource: {r.Uri}]\n{r.Text}",
                EmbeddedResourceBlock { Resource: BlobResourceContents b } =>
                    $"[resource: {b.Uri}{(b.MimeType is null ? "" : $", {b.MimeType}")}, {Size(Base64Bytes(b.Blob.Length))}]",
                ResourceLinkBlock link =>
                    $"[resource link: {link.Name} <{link.Uri}>{(link.MimeType is null ? "" : $", {link.MimeType}")}{(link.Size is { } s ? $", {Size(s)}" : "")}]",
                _ => $"[{block.Type} content]",
            });
        }

        if (text.Length == 0 && result.StructuredContent is { } structured)
        {
            return JsonSerializer.Serialize(structured);
        }

        return text.ToString();
    }

    /// <summary>"512 bytes", "12 KB", "3.4 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (long)Math.Round(bytes / 1024.0))} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.#} MB"),
    };

    private static long Base64Bytes(int base64Length) => base64Length / 4L * 3L;
}
