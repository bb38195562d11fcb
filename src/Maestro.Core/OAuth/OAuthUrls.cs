using System.Text;

namespace Maestro.Core.OAuth;

/// <summary>Builds authorization URLs: the endpoint with query parameters appended (escaped), keeping any query it has.</summary>
public static class OAuthUrls
{
    public static Uri WithQuery(Uri endpoint, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var url = new StringBuilder(endpoint.AbsoluteUri);
        var separator = string.IsNullOrEmpty(endpoint.Query) ? '?' : '&';
        foreach (var (name, value) in parameters)
        {
            url.Append(separator).Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
            separator = '&';
        }

        return new Uri(url.ToString());
    }

    /// <summary>Appends a path to a base URL, keeping the base's own path (<c>https://h/a</c> + <c>/b</c> = <c>https://h/a/b</c>).</summary>
    public static Uri Append(Uri baseUrl, string path) =>
        new(baseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/" + path.TrimStart('/'));
}
