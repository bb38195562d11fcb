using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>
/// http_fetch: a GET or HEAD to an allowed host. Redirects are followed by hand (at most <see cref="MaxRedirects"/>)
/// so every hop is checked against the allow-list; only text responses are returned, cut to the output limit.
/// </summary>
public sealed class HttpFetchTool(IHttpClientFactory httpClientFactory) : MaestroTool
{
    public const string ToolName = "http_fetch";

    /// <summary>The named client; its handler must not follow redirects itself (see Extensions.AddBuiltInTools).</summary>
    public const string HttpClientName = "Maestro.Tools.HttpFetch";

    public const int MaxRedirects = 5;

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly string[] TextMediaTypes =
    [
        "application/json", "application/xml", "application/javascript", "application/x-javascript", "application/ecmascript",
        "application/yaml", "application/x-yaml", "application/toml", "application/graphql", "application/x-sh",
        "application/x-www-form-urlencoded", "application/sql", "application/csv", "image/svg+xml",
    ];

    public override ToolDefinition Definition { get; } = new(
        ToolName,
        $"Fetches a URL with GET (or HEAD for the headers only) and returns the status, the main headers and the body. Only " +
        $"hosts the user allowed in {HttpAllowList.SettingName} can be reached; a refusal names the host. Only http:// and " +
        $"https:// URLs; redirects are followed up to {MaxRedirects} times, each to an allowed host only. Text responses " +
        $"only (HTML, JSON, XML, plain text, …), cut after the output limit; binary responses are refused. Times out " +
        $"after {Timeout.TotalSeconds:0} s. Sends no cookies or credentials.",
        ToolSchema.Parse("""
            {
              "type": "object",
              "properties": {
                "url": {
                  "type": "string",
                  "description": "The absolute http(s) URL to fetch, e.g. \"https://docs.example.com/guide.html\"."
                },
                "method": {
                  "type": "string",
                  "enum": ["GET", "HEAD"],
                  "description": "GET (default) for the body, HEAD for the status and headers only."
                }
              },
              "required": ["url"]
            }
            """),
        ToolEffect.Network);

    public override async Task<ToolResult> InvokeAsync(ToolCall call, ToolContext context, CancellationToken cancellationToken)
    {
        var url = call.RequireString("url").Trim();
        var method = (call.GetString("method") ?? "GET").Trim().ToUpperInvariant() switch
        {
            "GET" => HttpMethod.Get,
            "HEAD" => HttpMethod.Head,
            _ => throw new ToolArgumentException("method", "must be GET or HEAD; http_fetch only reads"),
        };

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !IsHttp(uri))
        {
            throw new ToolArgumentException("url", $"'{url}' is not an absolute http:// or https:// URL; pass one such as \"https://example.com/page\"");
        }

        return await ToolFailures.GuardAsync(() => FetchAsync(uri, method, context, cancellationToken));
    }

    private async Task<ToolResult> FetchAsync(Uri uri, HttpMethod method, ToolContext context, CancellationToken cancellationToken)
    {
        var allowList = context.Limits.HttpAllowList;
        using var timeout = new CancellationTokenSource(Timeout, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var client = httpClientFactory.CreateClient(HttpClientName);
        var current = uri;
        var hops = new List<Uri>();
        try
        {
            while (true)
            {
                if (!HttpAllowList.Allows(allowList, current.IdnHost))
                {
                    return Refused(current, hops);
                }

                using var request = new HttpRequestMessage(method, current);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);

                // Should a handler ever follow redirects by itself, its last hop is still held to the allow-list.
                if (response.RequestMessage?.RequestUri is { } actual && actual != current && !HttpAllowList.Allows(allowList, actual.IdnHost))
                {
                    return Refused(actual, hops);
                }

                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (hops.Count == MaxRedirects)
                    {
                        return ToolResult.Error($"{uri} redirected more than {MaxRedirects} times (next: {next}). Fetch the final URL directly if you know it.");
                    }

                    if (!IsHttp(next))
                    {
                        return ToolResult.Error($"{current} redirected to {next}, which is not an http(s) URL; http_fetch does not follow it.");
                    }

                    hops.Add(current);
                    current = next;
                    if (response.StatusCode == HttpStatusCode.SeeOther && method != HttpMethod.Head)
                    {
                        method = HttpMethod.Get;
                    }

                    continue;
                }

                return await RenderAsync(response, method, current, hops, context.Limits.MaxOutputChars, linked.Token);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return ToolResult.Error($"{current} did not answer within {Timeout.TotalSeconds:0} s. Try again later or fetch a smaller resource.");
        }
        catch (HttpRequestException e)
        {
            return ToolResult.Error($"Could not fetch {current}: {e.Message} Check the URL; the host may be down or unreachable from here.");
        }
    }

    private static async Task<ToolResult> RenderAsync(
        HttpResponseMessage response, HttpMethod method, Uri url, List<Uri> hops, int maxChars, CancellationToken cancellationToken)
    {
        var status = $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}".TrimEnd();
        var text = new StringBuilder(status).Append('\n');
        if (hops.Count > 0)
        {
            text.Append($"Redirected: {string.Join(" → ", hops.Append(url))}\n");
        }

        var details = new Dictionary<string, object?> { ["status"] = (int)response.StatusCode, ["url"] = url.ToString() };
        var contentType = response.Content.Headers.ContentType;
        var length = response.Content.Headers.ContentLength;
        if (method == HttpMethod.Head)
        {
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
                {
                    text.Append($"{name}: {string.Join(", ", values)}\n");
                }
            }

            return new ToolResult(text.ToString().TrimEnd('\n'), Summary: $"HEAD {url.Host}: {(int)response.StatusCode}", Details: details);
        }

        if (contentType is not null)
        {
            text.Append($"Content-Type: {contentType}\n");
        }

        if (length is not null)
        {
            text.Append($"Content-Length: {length}\n");
        }

        // UTF-8 needs at most 4 bytes a character: this many bytes always hold the characters we may show.
        var maxBytes = (maxChars * 4L) + 4;
        var (body, complete) = await ReadAtMostAsync(await response.Content.ReadAsStreamAsync(cancellationToken), maxBytes, cancellationToken);
        if (!IsText(contentType?.MediaType, body))
        {
            var size = length is { } l ? TextFiles.FormatSize(l) : complete ? TextFiles.FormatSize(body.Length) : "large";
            return ToolResult.Error(
                $"{status} from {url}: the response is {contentType?.MediaType ?? "binary data"} ({size}), not text, so it is not shown. " +
                "http_fetch returns text only (HTML, JSON, XML, plain text).");
        }

        var decoded = EncodingOf(contentType).GetString(body);
        var cut = decoded.Length > maxChars;
        text.Append('\n').Append(cut ? decoded.AsSpan(0, maxChars) : decoded);
        if (cut || !complete)
        {
            text.Append($"\n\n[Response cut after {maxChars:N0} characters{(length is { } total ? $" of a {TextFiles.FormatSize(total)} response" : "")}. Fetch a more specific URL for the rest.]");
        }

        details["truncated"] = cut || !complete;
        return new ToolResult(text.ToString(), Summary: $"GET {url.Host}: {(int)response.StatusCode}", Details: details);
    }

    private static async Task<(byte[] Bytes, bool Complete)> ReadAtMostAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        await using (stream)
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > maxBytes)
                {
                    return (buffer.ToArray(), false);
                }
            }

            return (buffer.ToArray(), true);
        }
    }

    private static ToolResult Refused(Uri url, List<Uri> hops)
    {
        var via = hops.Count > 0 ? $" (reached by a redirect from {hops[0]})" : "";
        return ToolResult.Error(
            $"http_fetch may not reach '{url.IdnHost}'{via}: the host is not on the allow-list. The user can allow it by adding it " +
            $"to {HttpAllowList.SettingName} (comma-separated hosts; '*.example.com' for subdomains, '*' for every host). " +
            "Do not try to reach it another way.");
    }

    private static bool IsHttp(Uri uri) => uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps;

    private static bool IsRedirect(HttpStatusCode status) => status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found
        or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;

    private static bool IsText(string? mediaType, ReadOnlySpan<byte> body)
    {
        if (mediaType is null)
        {
            return !TextFiles.LooksBinary(body);
        }

        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || TextMediaTypes.Contains(mediaType, StringComparer.OrdinalIgnoreCase);
    }

    private static Encoding EncodingOf(MediaTypeHeaderValue? contentType)
    {
        try
        {
            return contentType?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            return Encoding.UTF8;
        }
    }
}
