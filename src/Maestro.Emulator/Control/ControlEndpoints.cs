using System.Globalization;
using System.Text.Json;
using Maestro.Emulator.Hosting;
using Maestro.Emulator.Scenarios;
using Maestro.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.Control;

/// <summary>
/// <c>/_emulator/…</c>: the control API for tests and for users driving <c>maestro emulate</c>. No auth: the server
/// listens on loopback only.
/// </summary>
internal static class ControlEndpoints
{
    public const string Prefix = "/_emulator";

    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var group = routes.MapGroup(Prefix);
        group.MapPost("/scripts", context => EnqueueAsync(context, services));
        group.MapDelete("/scripts", context =>
        {
            services.Scripts.Clear(NullIfEmpty(context.Request.Query["key"]));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        group.MapPost("/quota", context => SetQuotaAsync(context, services));
        group.MapDelete("/quota", context =>
        {
            services.Quotas.Clear(NullIfEmpty(context.Request.Query["key"]));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        group.MapPost("/holds/{gate}/release", context =>
        {
            services.Holds.Release((string)context.Request.RouteValues["gate"]!);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        group.MapGet("/requests", context => ListRequestsAsync(context, services));
        group.MapDelete("/requests", context =>
        {
            services.RequestLog.Clear();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
        group.MapGet("/health", context => Reply(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", "ok");
            w.WriteNumber("pending_scripts", services.Scripts.Pending(null));
            w.WriteNumber("recorded_requests", services.RequestLog.Snapshot(null, null).Count);
            w.WriteStartObject("fixtures");
            foreach (var folder in new[] { "anthropic/messages", "openai/responses", "openai/chat-completions", "gemini/generate-content" })
            {
                w.WriteStartArray(folder);
                foreach (var name in services.Fixtures.Names(folder))
                {
                    w.WriteStringValue(name);
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }).WriteAsync(context));
    }

    private static async Task EnqueueAsync(HttpContext context, EmulatorServices services)
    {
        ScriptBatch? batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(context.Request.Body, EmulatorJsonContext.Default.ScriptBatch, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await Error(400, "Invalid script: " + exception.Message).WriteAsync(context);
            return;
        }

        if (string.IsNullOrEmpty(batch?.Key) || batch.Responses is null)
        {
            await Error(400, "Send {\"key\": \"<api key, bearer token or *>\", \"responses\": [ ... ]}.").WriteAsync(context);
            return;
        }

        var badFinish = batch.Responses.FirstOrDefault(r => !AnswerPlanner.IsKnownFinish(r.Finish));
        if (badFinish is not null)
        {
            await Error(400, $"Unknown finish '{badFinish.Finish}': use stop, length, tool_calls or content_filter.").WriteAsync(context);
            return;
        }

        var pending = services.Scripts.Enqueue(batch.Key, batch.Responses);
        await Reply(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("key", batch.Key == ScriptQueues.AnyKey ? batch.Key : Redaction.Mask);
            w.WriteNumber("queued", batch.Responses.Count);
            w.WriteNumber("pending", pending);
            w.WriteEndObject();
        }).WriteAsync(context);
    }

    private static async Task SetQuotaAsync(HttpContext context, EmulatorServices services)
    {
        QuotaSetting? setting;
        try
        {
            setting = await JsonSerializer.DeserializeAsync(context.Request.Body, EmulatorJsonContext.Default.QuotaSetting, context.RequestAborted);
        }
        catch (JsonException exception)
        {
            await Error(400, "Invalid quota: " + exception.Message).WriteAsync(context);
            return;
        }

        if (string.IsNullOrEmpty(setting?.Key))
        {
            await Error(400, "Send {\"key\": \"<api key, bearer token or *>\", \"used_percent\": 0-100, \"exhausted\": true|false, \"resets_in_seconds\": N}.").WriteAsync(context);
            return;
        }

        if (setting.UsedPercent is < 0 or > 100 || double.IsNaN(setting.UsedPercent ?? 0))
        {
            await Error(400, "used_percent must be between 0 and 100.").WriteAsync(context);
            return;
        }

        if (setting.ResetsInSeconds is <= 0)
        {
            await Error(400, "resets_in_seconds must be a positive number of seconds.").WriteAsync(context);
            return;
        }

        var quota = new EmulatedQuota { UsedPercent = setting.UsedPercent ?? 0, Exhausted = setting.Exhausted ?? false, ResetsInSeconds = setting.ResetsInSeconds };
        services.Quotas.Set(setting.Key, quota);
        await Reply(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("key", setting.Key == ScriptQueues.AnyKey ? setting.Key : Redaction.Mask);
            w.WriteNumber("used_percent", quota.Used);
            w.WriteBoolean("exhausted", quota.Exhausted);
            w.WriteEndObject();
        }).WriteAsync(context);
    }

    private static Task ListRequestsAsync(HttpContext context, EmulatorServices services)
    {
        int? limit = int.TryParse(context.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : null;
        var requests = services.RequestLog.Snapshot(NullIfEmpty(context.Request.Query["key"]), limit);
        return Reply(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("requests");
            foreach (var request in requests)
            {
                WriteRequest(w, request);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }).WriteAsync(context);
    }

    /// <summary>The body goes out as the JSON it was (byte for byte), or as a string when it was not JSON.</summary>
    private static void WriteRequest(Utf8JsonWriter w, RecordedRequest request)
    {
        w.WriteStartObject();
        w.WriteString("time", request.Time);
        w.WriteString("method", request.Method);
        w.WriteString("path", request.Path);
        w.WriteString("provider", request.Provider);
        if (request.Model is null)
        {
            w.WriteNull("model");
        }
        else
        {
            w.WriteString("model", request.Model);
        }

        w.WriteStartObject("headers");
        foreach (var (name, value) in request.Headers)
        {
            w.WriteString(name, value);
        }

        w.WriteEndObject();
        w.WritePropertyName("body");
        if (request.Body.IsEmpty)
        {
            w.WriteNullValue();
        }
        else if (IsJson(request.Body))
        {
            w.WriteRawValue(request.Body.Span, skipInputValidation: true);
        }
        else
        {
            w.WriteStringValue(request.BodyText);
        }

        w.WriteEndObject();
    }

    private static bool IsJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body.Span);
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonReply Reply(int status, Action<Utf8JsonWriter> write) => new(status, WireJson.Once(write));

    private static JsonReply Error(int status, string message) => Reply(status, w =>
    {
        w.WriteStartObject();
        w.WriteString("error", message);
        w.WriteEndObject();
    });

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
