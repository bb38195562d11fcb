using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// Google's Code Assist server (what Gemini logins in Code Assist mode are served by) under <c>/codeassist</c>, so
/// <c>GEMINI_CODE_ASSIST_ENDPOINT=http://127.0.0.1:N/codeassist</c> points Maestro at it: <c>POST
/// /v1internal:{loadCodeAssist|onboardUser|retrieveUserQuota|generateContent|streamGenerateContent}</c> and <c>GET
/// /v1internal/operations/{id}</c>. Chat answers are the Gemini renderer's, wrapped, with the usual scripts and faults.
/// </summary>
internal static class CodeAssistEndpoints
{
    public const string StreamMethod = "streamGenerateContent";
    private const string Version = "v1internal";
    private const string CallKey = "call";

    public static void Map(IEndpointRouteBuilder routes, EmulatorServices services)
    {
        var errors = new CodeAssistErrors();
        var auth = new CodeAssistAuth(services.Credentials, errors);
        var setup = new CodeAssistSetupHandler(services, auth, errors, new CodeAssistAccounts());
        var chat = new ChatEndpointHandler(services);
        var unknown = new UnknownPathHandler(services);
        // No recordings of Code Assist exist; fixture: models name this (empty) folder and say so.
        var generate = new ChatEndpoint(
            EmulatorProviders.CodeAssist, "codeassist/generate-content", auth, errors, new GeminiModels(),
            new CodeAssistRequestReader(), new CodeAssistRenderer(), "text/event-stream", GeminiErrors.ContentType, new GeminiQuota());

        var group = routes.MapGroup("/" + EmulatorProviders.CodeAssist);
        group.MapPost("/{" + CallKey + "}", context => MethodOf(context) switch
        {
            "loadCodeAssist" => setup.LoadAsync(context),
            "onboardUser" => setup.OnboardAsync(context),
            "retrieveUserQuota" => setup.QuotaAsync(context),
            "generateContent" or StreamMethod => chat.HandleAsync(context, generate),
            _ => unknown.HandleAsync(context, EmulatorProviders.CodeAssist, auth, errors),
        });
        group.MapGet("/" + Version + "/operations/{id}", context =>
            setup.OperationAsync(context, "operations/" + (string)context.Request.RouteValues["id"]!));
        group.Map("/{**path}", context => unknown.HandleAsync(context, EmulatorProviders.CodeAssist, auth, errors));
    }

    /// <summary>The method of a <c>/v1internal:{method}</c> path segment, or null for any other segment.</summary>
    public static string? MethodOf(HttpContext context) =>
        context.Request.RouteValues[CallKey] is string call && call.StartsWith(Version + ":", StringComparison.Ordinal)
            ? call[(Version.Length + 1)..]
            : null;
}
