using System.Globalization;
using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Web.Access;

/// <summary>
/// A sign-in link: the server's address with a one-time code in the fragment (<c>/login#code=…</c>). Browsers never
/// send a fragment to the server, so the code reaches no access log, proxy log or Referer; the sign-in page takes it
/// off the address and exchanges it for the session cookie.
/// </summary>
public static class SignInLink
{
    public static Uri For(Uri baseUrl, string code) => new(new Uri(baseUrl, "/login"), "#code=" + code);

    /// <summary>
    /// Where browsers reach the server, for a link made outside it (<c>maestro access link</c>): <paramref name="explicitUrl"/>,
    /// else MAESTRO_PUBLIC_URL, else http://127.0.0.1 on PORT (default 4000).
    /// </summary>
    public static Uri BaseUrl(IConfiguration configuration, string? explicitUrl)
    {
        if (explicitUrl is not null)
        {
            return Uri.TryCreate(explicitUrl, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
                ? url
                : throw new Core.Errors.ValidationFailedException("url", $"'{explicitUrl}' is not an absolute http(s) URL (e.g. http://127.0.0.1:4000).");
        }

        return configuration.GetString("MAESTRO_PUBLIC_URL") is not null
            ? configuration.GetUrl("MAESTRO_PUBLIC_URL", "")
            : new Uri("http://127.0.0.1:" + configuration.GetInt("PORT", 4000, min: 1, max: 65535).ToString(CultureInfo.InvariantCulture));
    }
}
