using System.Net.Http.Headers;
using System.Text.Json;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.Logging;
using Polly;

namespace Maestro.Core.OAuth;

/// <summary>
/// Calls authorization servers (token, device and key endpoints) and classifies what went wrong. Requests and bodies
/// are never logged, not even with HTTP_DEBUG: they carry codes, verifiers and tokens.
/// </summary>
/// <remarks>
/// Only failures where the server certainly did not act are retried at once (no connection, 429, 503): a refresh
/// token that the server did rotate before the answer was lost would be reused by a blind retry, and reuse revokes
/// the whole login. Ambiguous failures (timeouts, other 5xx) surface as transient; the background refresher tries
/// again later, after re-reading storage.
/// </remarks>
public sealed class OAuthTokenClient
{
    public const string HttpClientName = "maestro.oauth";
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");

    private readonly IHttpClientFactory _httpClients;
    private readonly TimeProvider _time;
    private readonly ILogger<OAuthTokenClient> _logger;
    private readonly ResiliencePipeline _retry;

    public OAuthTokenClient(IHttpClientFactory httpClients, ProviderRuntimeOptions options, TimeProvider time, ILogger<OAuthTokenClient> logger)
    {
        _httpClients = httpClients;
        _time = time;
        _logger = logger;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(BackoffRetry.Options(
                options,
                error => error is RetryableFailure,
                error => error is RetryableFailure { RetryAfter: { } after } && after <= TimeSpan.FromSeconds(30) ? after : null,
                (error, delay, _) => _logger.LogWarning("{Message} Retrying in {Delay:0.0} s.", error?.InnerException?.Message, delay.TotalSeconds)));
        }

        _retry = builder.Build();
    }

    /// <summary>POSTs <c>application/x-www-form-urlencoded</c> fields (RFC 6749 token requests).</summary>
    public Task<OAuthTokenResponse> PostFormAsync(
        Uri endpoint, IReadOnlyList<KeyValuePair<string, string>> fields, string server, CancellationToken cancellationToken) =>
        SendAsync(endpoint, () => new FormUrlEncodedContent(fields), null, server, cancellationToken);

    /// <summary>POSTs a flat JSON object of string fields (null fields are left out), optionally with a bearer token.</summary>
    public Task<OAuthTokenResponse> PostJsonAsync(
        Uri endpoint, IReadOnlyList<KeyValuePair<string, string?>> fields, string server, CancellationToken cancellationToken, string? bearerToken = null) =>
        SendAsync(endpoint, () => JsonBody(fields), bearerToken, server, cancellationToken);

    /// <summary>
    /// POSTs JSON and returns the status with the parsed body, without classifying or retrying: for polling endpoints
    /// where a 403 means "not yet". Transport failures still throw a transient <see cref="OAuthException"/>.
    /// </summary>
    public async Task<(int Status, OAuthTokenResponse? Body)> PostJsonForStatusAsync(
        Uri endpoint, IReadOnlyList<KeyValuePair<string, string?>> fields, string server, CancellationToken cancellationToken)
    {
        using var response = await SendOnceAsync(endpoint, JsonBody(fields), null, server, cancellationToken);
        return ((int)response.StatusCode, await ReadJsonAsync(response, cancellationToken) is { } json ? new OAuthTokenResponse(json) : null);
    }

    private async Task<OAuthTokenResponse> SendAsync(
        Uri endpoint, Func<HttpContent> content, string? bearerToken, string server, CancellationToken cancellationToken)
    {
        try
        {
            return await _retry.ExecuteAsync(
                async token => await AttemptAsync(endpoint, content(), bearerToken, server, token),
                cancellationToken);
        }
        catch (RetryableFailure failure)
        {
            throw failure.Inner;
        }
    }

    private async Task<OAuthTokenResponse> AttemptAsync(Uri endpoint, HttpContent content, string? bearerToken, string server, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await SendOnceAsync(endpoint, content, bearerToken, server, cancellationToken);
        }
        catch (OAuthException ex) when (ex.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError })
        {
            throw new RetryableFailure(ex, null);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var json = await ReadJsonAsync(response, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return json is { ValueKind: JsonValueKind.Object } body
                    ? new OAuthTokenResponse(body)
                    : throw new OAuthException(OAuthFailure.Transient, $"{server} answered {status} with something that is not a JSON object.", statusCode: status);
            }

            var (code, description) = ReadError(json);
            var detail = code is null && description is null ? response.ReasonPhrase ?? "no details"
                : code is null ? description
                : description is null ? code
                : $"{code}: {description}";
            var message = $"{server} answered {status} ({detail}).";
            if (status is 408 or 429 || status >= 500)
            {
                var error = new OAuthException(OAuthFailure.Transient, message, "The server is busy or failing; Maestro tries again later.", code, status);
                throw status is 429 or 503 ? new RetryableFailure(error, RetryAfter.From(response.Headers, _time)) : error;
            }

            throw new OAuthException(OAuthFailure.Rejected, message, null, code, status);
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Uri endpoint, HttpContent content, string? bearerToken, string server, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
        request.Headers.Accept.Add(AcceptJson);
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        try
        {
            return await _httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new OAuthException(OAuthFailure.Transient, $"Cannot reach {server} at {endpoint.Authority}: {ex.InnerException?.Message ?? ex.Message}",
                "Check the network (or the endpoint setting); Maestro tries again later.", inner: ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new OAuthException(OAuthFailure.Transient, $"{server} at {endpoint.Authority} did not answer in time.", inner: ex);
        }
    }

    private static async Task<JsonElement?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (bytes.Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.Clone();
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            return null;
        }
    }

    /// <summary>RFC 6749 <c>{"error", "error_description"}</c>, or OpenAI's <c>{"error": {"code", "message"}}</c>.</summary>
    private static (string? Code, string? Description) ReadError(JsonElement? json)
    {
        if (json is not { ValueKind: JsonValueKind.Object } body)
        {
            return (null, null);
        }

        string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

        if (body.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
        {
            return (Text(error, "code") ?? Text(error, "type"), Text(error, "message"));
        }

        return (Text(body, "error"), Text(body, "error_description") ?? Text(body, "message"));
    }

    private static ByteArrayContent JsonBody(IReadOnlyList<KeyValuePair<string, string?>> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                if (value is not null)
                {
                    writer.WriteString(name, value);
                }
            }

            writer.WriteEndObject();
        }

        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = JsonType;
        return content;
    }

    /// <summary>Marks a failure the server certainly did not act on, so the retry strategy may repeat the request.</summary>
    private sealed class RetryableFailure(OAuthException inner, TimeSpan? retryAfter) : Exception(inner.Message, inner)
    {
        public OAuthException Inner { get; } = inner;

        public TimeSpan? RetryAfter { get; } = retryAfter;
    }
}
