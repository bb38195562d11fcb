using Maestro.Core.Conversations.Attachments;
using Maestro.Core.Errors;
using Microsoft.Extensions.AI;

namespace Maestro.Web.Api;

/// <summary>A file attached to a turn over the API: <c>{"name", "data"}</c> with the bytes in base64 (the type is read from them).</summary>
public sealed record AttachmentRequest(string? Name, string? Data, string? MediaType = null)
{
    public static IList<AIContent>? ToContents(IReadOnlyList<AttachmentRequest>? attachments)
    {
        if (attachments is not { Count: > 0 })
        {
            return null;
        }

        var contents = new List<AIContent>(attachments.Count);
        for (var i = 0; i < attachments.Count; i++)
        {
            var a = attachments[i];
            var name = string.IsNullOrWhiteSpace(a.Name) ? $"attachment-{i + 1}" : a.Name;
            byte[] bytes;
            try
            {
                bytes = Convert.FromBase64String(a.Data ?? throw new ValidationFailedException($"attachments[{i}].data", "data is required: the file's bytes in base64."));
            }
            catch (FormatException)
            {
                throw new ValidationFailedException($"attachments[{i}].data", "data is not valid base64.");
            }

            contents.Add(AttachedFiles.FromFile(name, bytes));
        }

        return contents;
    }
}
