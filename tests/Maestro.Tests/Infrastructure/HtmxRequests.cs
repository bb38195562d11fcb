namespace Maestro.Tests.Infrastructure;

/// <summary>Requests as the UI's htmx sends them (with HX-Request), through an authenticated client.</summary>
public static class HtmxRequests
{
    public static HttpRequestMessage Create(HttpMethod method, string path, params (string Key, string Value)[] fields)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("HX-Request", "true");
        if (fields.Length > 0)
        {
            request.Content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
        }

        return request;
    }

    /// <summary>Posts a form as an htmx form does.</summary>
    public static async Task<HttpResponseMessage> PostHtmxFormAsync(
        this HttpClient http, string path, (string Key, string Value)[] fields, CancellationToken cancellationToken = default)
    {
        using var request = Create(HttpMethod.Post, path, fields);
        return await http.SendAsync(request, cancellationToken);
    }

    public static Task<HttpResponseMessage> PostHtmxFormAsync(this HttpClient http, string path, params (string Key, string Value)[] fields) =>
        http.PostHtmxFormAsync(path, fields, CancellationToken.None);

    /// <summary>Gets a fragment as htmx does (hx-get).</summary>
    public static async Task<HttpResponseMessage> GetHtmxAsync(this HttpClient http, string path, CancellationToken cancellationToken = default)
    {
        using var request = Create(HttpMethod.Get, path);
        return await http.SendAsync(request, cancellationToken);
    }
}
