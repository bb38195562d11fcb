using System.Globalization;
using Maestro.Core.Providers;
using Maestro.Wire.Anthropic;
using Maestro.Wire.Gemini;
using Maestro.Wire.OpenAI;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Outbound;

/// <summary>
/// Error responses in the client's own shape, so its library raises the error it knows (OpenAI's
/// <c>{"error":{message,type,param,code}}</c>, Anthropic's <c>{"type":"error","error":{type,message}}</c>, Google's
/// <c>{"error":{code,message,status}}</c>) with the status and Retry-After the client's retry logic reads.
/// </summary>
internal static class ClientErrors
{
    public static Task WriteAsync(HttpContext context, WireApi api, GatewayError error)
    {
        var response = context.Response;
        response.StatusCode = error.Status;
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        byte[] body;
        switch (api)
        {
            case WireApi.Messages:
                var requestId = AnthropicErrorBody.NewRequestId();
                response.Headers["request-id"] = requestId;
                body = AnthropicErrorBody.Write(AnthropicType(error), error.Field is null ? error.Message : $"{error.Field}: {error.Message}", requestId);
                response.ContentType = "application/json";
                break;
            case WireApi.GenerateContent:
                body = GoogleErrorBody.Write(error.Status, GoogleStatus(error), error.Message, error.RetryAfter is { } wait
                    ? w => GoogleErrorBody.WriteRetryInfo(w, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)))
                    : null);
                response.ContentType = GoogleErrorBody.ContentType;
                break;
            default:
                response.Headers["x-request-id"] = OpenAIErrorBody.NewRequestId();
                body = OpenAIErrorBody.Write(error.Message, OpenAIType(error), error.Field, OpenAICode(error));
                response.ContentType = "application/json";
                break;
        }

        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    public static string OpenAIType(GatewayError error) => error.Class switch
    {
        ErrorClass.RateLimit => "requests",
        ErrorClass.Quota => "insufficient_quota",
        ErrorClass.Upstream or ErrorClass.Overloaded => "server_error",
        ErrorClass.Permission => "permission_error",
        _ => "invalid_request_error",
    };

    public static string? OpenAICode(GatewayError error) => error.Code ?? error.Class switch
    {
        ErrorClass.Authentication => "invalid_api_key",
        ErrorClass.NotFound => "model_not_found",
        _ => null,
    };

    private static string AnthropicType(GatewayError error) => error.Class switch
    {
        ErrorClass.Authentication => AnthropicErrorBody.Authentication,
        ErrorClass.Permission => AnthropicErrorBody.Permission,
        ErrorClass.NotFound => AnthropicErrorBody.NotFound,
        ErrorClass.RateLimit or ErrorClass.Quota => AnthropicErrorBody.RateLimit,
        ErrorClass.Overloaded => AnthropicErrorBody.Overloaded,
        ErrorClass.Upstream => AnthropicErrorBody.Api,
        _ => error.Status == 413 ? "request_too_large" : AnthropicErrorBody.InvalidRequest,
    };

    private static string GoogleStatus(GatewayError error) => error.Class switch
    {
        ErrorClass.Authentication => "UNAUTHENTICATED",
        ErrorClass.Permission => "PERMISSION_DENIED",
        ErrorClass.NotFound => "NOT_FOUND",
        ErrorClass.RateLimit or ErrorClass.Quota => "RESOURCE_EXHAUSTED",
        ErrorClass.Overloaded => "UNAVAILABLE",
        ErrorClass.Upstream => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };
}
