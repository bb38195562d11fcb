using Maestro.Core.Errors;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.OpenAI;

/// <summary>Images go to OpenAI-style APIs as URLs: a data URI for inline bytes, the address for a link.</summary>
public static class ImageUrl
{
    public static string Of(DataContent data) => data.HasTopLevelMediaType("image")
        ? data.Uri
        : throw new ValidationFailedException("messages", $"Only images can be attached here; '{data.MediaType}' is not an image.");

    public static string Of(UriContent uri) => uri.HasTopLevelMediaType("image")
        ? uri.Uri.ToString()
        : throw new ValidationFailedException("messages", $"Only images can be linked here; '{uri.MediaType}' ({uri.Uri}) is not an image.");
}
