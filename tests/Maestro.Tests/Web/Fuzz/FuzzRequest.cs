using System.Net.Http.Headers;

namespace Maestro.Tests.Web.Fuzz;

/// <summary>One hostile request. <paramref name="Field"/>: the input a 400 must name (text Maestro cannot hold).</summary>
public sealed record FuzzRequest(string Method, string Url, byte[]? Body, string? ContentType, string Label, string? Field = null)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Url);
        if (Url.StartsWith("/ui/", StringComparison.Ordinal))
        {
            message.Headers.Add("HX-Request", "true");
        }

        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
        }

        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "" : " " + System.Text.Encoding.UTF8.GetString(Body.AsSpan(0, Math.Min(Body.Length, 160)));
        var url = Url.Length > 160 ? Url[..160] + "…" : Url;
        return $"{Method} {url} [{Label}]{body}";
    }
}
