using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Secrets;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Api;

/// <summary>
/// Every API error has one JSON shape: <c>{ status, title, code, detail, hint?, errors?: { field: [messages] } }</c>.
/// User mistakes are 4xx with the same messages the CLI prints; provider failures are 502 (429 for rate limits); a
/// server at capacity answers 429 with Retry-After ("busy"), never 500.
/// </summary>
public static class ApiProblem
{
    public static IResult From(Exception exception) => exception switch
    {
        ValidationFailedException v => Write(StatusCodes.Status400BadRequest, "Invalid input", v, v.Errors),
        NotFoundException n => Write(StatusCodes.Status404NotFound, "Not found", n),
        ConflictException c => Write(StatusCodes.Status409Conflict, "Conflict", c,
            c.Field is null ? null : new Dictionary<string, string[]> { [c.Field] = [c.Message] }),
        BusyException b => WithRetryAfter(Write(StatusCodes.Status429TooManyRequests, "Busy", b, retryAfter: b.RetryAfter), b.RetryAfter),
        ProviderException { Kind: ProviderErrorKind.RateLimited } p => WithRetryAfter(Write(StatusCodes.Status429TooManyRequests, "Rate limited by provider", p, provider: p), p.RetryAfter),
        ProviderException p => Write(StatusCodes.Status502BadGateway, "Provider error", p, provider: p),
        SecretKeyException s => Write(StatusCodes.Status500InternalServerError, "Secret key mismatch", s),
        MaestroException m => Write(StatusCodes.Status400BadRequest, "Request failed", m),
        BadHttpRequestException { InnerException: JsonException json } => From(WrongJson(json)),
        BadHttpRequestException b => Results.Json(
            new ProblemBody(b.StatusCode, "Bad request", "bad_request", b.Message, null, null, null, null), statusCode: b.StatusCode),
        _ => Results.Json(
            new ProblemBody(500, "Internal error", "internal_error", "Maestro hit an unexpected error; it was logged.", null, null, null, null),
            statusCode: 500),
    };

    public static IResult Validation(string field, string message) =>
        From(new ValidationFailedException(field, message));

    /// <summary>A body the deserializer refused (a wrong type, a value it cannot convert), as a 400 naming the field.</summary>
    private static ValidationFailedException WrongJson(JsonException json)
    {
        var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path.TrimStart('$');
        return new ValidationFailedException(field, $"The value has the wrong type: expected {Expected(json.Message)}.");
    }

    /// <summary>What the deserializer wanted, from the .NET type its message names.</summary>
    private static string Expected(string message) =>
        message.Contains("Dictionary", StringComparison.Ordinal) ? "an object of names and values"
        : message.Contains("List", StringComparison.Ordinal) || message.Contains("[]", StringComparison.Ordinal) || message.Contains("Enumerable", StringComparison.Ordinal) ? "a list"
        : message.Contains("Single", StringComparison.Ordinal) || message.Contains("Double", StringComparison.Ordinal) || message.Contains("Decimal", StringComparison.Ordinal) ? "a number"
        : message.Contains("Int32", StringComparison.Ordinal) || message.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
        : message.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : message.Contains("System.String", StringComparison.Ordinal) ? "a string"
        : message.Contains("Guid", StringComparison.Ordinal) ? "an id"
        : "a JSON object with the documented fields";

    private static IResult Write(
        int status, string title, MaestroException exception, IReadOnlyDictionary<string, string[]>? errors = null, ProviderException? provider = null, TimeSpan? retryAfter = null) =>
        Results.Json(
            new ProblemBody(status, title, exception.Code, exception.Message, exception.Hint, errors, provider?.ProviderMessage, (retryAfter ?? provider?.RetryAfter)?.TotalSeconds),
            statusCode: status);

    private static IResult WithRetryAfter(IResult result, TimeSpan? retryAfter) =>
        retryAfter is null ? result : new RetryAfterResult(result, retryAfter.Value);

    private sealed class RetryAfterResult(IResult inner, TimeSpan retryAfter) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}

public sealed record ProblemBody(
    int Status,
    string Title,
    string Code,
    string Detail,
    string? Hint,
    IReadOnlyDictionary<string, string[]>? Errors,
    string? ProviderMessage,
    double? RetryAfterSeconds);
