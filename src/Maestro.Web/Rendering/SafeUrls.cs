namespace Maestro.Web.Rendering;

/// <summary>
/// Which link targets model output may carry: absolute http(s) and mailto only. Anything else (javascript:, data:,
/// vbscript:, relative paths that would reach Maestro's own endpoints) is shown as text instead of a link.
/// </summary>
public static class SafeUrls
{
    public static bool IsAllowed(string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeMailto;
    }
}
