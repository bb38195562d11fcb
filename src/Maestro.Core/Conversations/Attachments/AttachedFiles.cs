using System.Text;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Conversations.Attachments;

/// <summary>
/// Files a user attaches to a message: images (PNG, JPEG, GIF, WebP, recognized by their content) and UTF-8 text
/// files, as <see cref="DataContent"/> blocks the provider writers send as image or file blocks. Anything else, or too
/// much, is refused before the turn starts, and so is a kind the session's provider does not take.
/// </summary>
public static class AttachedFiles
{
    public const int MaxCount = 10;
    public const int MaxImageBytes = 5 * 1024 * 1024;
    public const int MaxTextBytes = 512 * 1024;
    public const string Field = "attachments";

    /// <summary>What may be attached, in the words the UI, the CLI's --help and errors use.</summary>
    public const string Limits = "up to 10 files a message: images (PNG, JPEG, GIF, WebP) up to 5 MB each, text files up to 512 KB each";

    public static DataContent FromFile(string name, byte[] bytes)
    {
        var shown = Path.GetFileName(name);
        if (bytes.Length == 0)
        {
            throw new ValidationFailedException(Field, $"'{shown}' is empty.");
        }

        if (ImageType(bytes) is { } image)
        {
            return bytes.Length <= MaxImageBytes
                ? new DataContent(bytes, image) { Name = shown }
                : throw new ValidationFailedException(Field, $"'{shown}' is {Megabytes(bytes.Length)}: images can be at most {Megabytes(MaxImageBytes)}.");
        }

        if (IsText(bytes))
        {
            return bytes.Length <= MaxTextBytes
                ? new DataContent(bytes, "text/plain") { Name = shown }
                : throw new ValidationFailedException(Field, $"'{shown}' is {bytes.Length / 1024} KB: text files can be at most {MaxTextBytes / 1024} KB.");
        }

        throw new ValidationFailedException(Field, $"'{shown}' is neither an image (PNG, JPEG, GIF, WebP) nor a UTF-8 text file: only those can be attached.");
    }

    /// <summary>Before anything is sent or saved: the count, and that the provider takes each kind.</summary>
    public static void Check(IList<AIContent>? attachments, ProviderDescriptor provider)
    {
        if (attachments is not { Count: > 0 })
        {
            return;
        }

        if (attachments.Count > MaxCount)
        {
            throw new ValidationFailedException(Field, $"{attachments.Count} files are attached: at most {MaxCount} go with one message.");
        }

        foreach (var a in attachments)
        {
            switch (a)
            {
                case DataContent d when d.HasTopLevelMediaType("image"):
                    if (!provider.Supports(ProviderFeatures.Images))
                    {
                        throw new ValidationFailedException(Field,
                            $"{provider.DisplayName} does not take images: remove '{d.Name ?? "the image"}', or switch the session to a provider that does.");
                    }

                    if (d.Data.Length > MaxImageBytes)
                    {
                        throw new ValidationFailedException(Field, $"'{d.Name}' is {Megabytes(d.Data.Length)}: images can be at most {Megabytes(MaxImageBytes)}.");
                    }

                    break;
                case DataContent d when d.MediaType.StartsWith("text/", StringComparison.Ordinal):
                    if (!provider.Supports(ProviderFeatures.TextFiles))
                    {
                        throw new ValidationFailedException(Field,
                            $"{provider.DisplayName} does not take text files: paste the text of '{d.Name ?? "the file"}' into the message instead.");
                    }

                    if (d.Data.Length > MaxTextBytes)
                    {
                        throw new ValidationFailedException(Field, $"'{d.Name}' is {d.Data.Length / 1024} KB: text files can be at most {MaxTextBytes / 1024} KB.");
                    }

                    break;
                default:
                    throw new ValidationFailedException(Field, $"Only images and text files can be attached ({Limits}).");
            }
        }
    }

    /// <summary>The attachments of a message, described; null when it has none.</summary>
    public static IReadOnlyList<string>? DescribeAll(IList<AIContent> contents)
    {
        List<string>? described = null;
        foreach (var c in contents)
        {
            if (c is DataContent d)
            {
                (described ??= []).Add(Describe(d));
            }
        }

        return described;
    }

    /// <summary>How an attachment reads in a list: "notes.txt (text, 2 KB)".</summary>
    public static string Describe(DataContent d) =>
        $"{d.Name ?? "file"} ({(d.HasTopLevelMediaType("image") ? d.MediaType["image/".Length..].ToUpperInvariant() : "text")}, {Size(d.Data.Length)})";

    private static string? ImageType(ReadOnlySpan<byte> b) => b switch
    {
        [0x89, (byte)'P', (byte)'N', (byte)'G', ..] => "image/png",
        [0xFF, 0xD8, 0xFF, ..] => "image/jpeg",
        [(byte)'G', (byte)'I', (byte)'F', (byte)'8', ..] => "image/gif",
        [(byte)'R', (byte)'I', (byte)'F', (byte)'F', _, _, _, _, (byte)'W', (byte)'E', (byte)'B', (byte)'P', ..] => "image/webp",
        _ => null,
    };

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Contains((byte)0))
        {
            return false;
        }

        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetCharCount(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static string Megabytes(int bytes) => $"{bytes / (1024.0 * 1024):0.#} MB";

    private static string Size(int bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0} KB" : Megabytes(bytes);
}
