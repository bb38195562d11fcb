using System.Text.Json;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Hosting;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.CodeAssist;

/// <summary>
/// The account endpoints of Code Assist, as gemini-cli uses them (<c>packages/core/src/code_assist/setup.ts</c>,
/// <c>types.ts</c>): <c>loadCodeAssist</c> (tiers and, once onboarded, the project), <c>onboardUser</c> (a long-running
/// operation, polled with <c>GET /v1internal/{name}</c>) and <c>retrieveUserQuota</c> (one bucket per model).
/// </summary>
internal sealed class CodeAssistSetupHandler(EmulatorServices services, CodeAssistAuth auth, CodeAssistErrors errors, CodeAssistAccounts accounts)
{
    private const string FreeTierName = "Gemini Code Assist for individuals";
    private const string StandardTierName = "Gemini Code Assist";

    public async Task LoadAsync(HttpContext context)
    {
        if (await BeginAsync(context) is not { } call)
        {
            return;
        }

        using var _ = call.Document;
        var token = call.Token;
        var project = accounts.ProjectOf(token);
        var standard = CodeAssistAccounts.IsStandard(token);
        await Reply(context, 200, w =>
        {
            w.WriteStartObject();
            if (project is not null)
            {
                WriteTier(w, "currentTier", standard ? "standard-tier" : "free-tier", standard ? StandardTierName : FreeTierName, isDefault: false, userProject: standard);
            }

            w.WriteStartArray("allowedTiers");
            WriteTier(w, null, "free-tier", FreeTierName, isDefault: !standard, userProject: false);
            WriteTier(w, null, "standard-tier", StandardTierName, isDefault: standard, userProject: true);
            w.WriteEndArray();
            if (CodeAssistAccounts.MustVerify(token) && project is null)
            {
                w.WriteStartArray("ineligibleTiers");
                w.WriteStartObject();
                w.WriteString("reasonCode", "VALIDATION_REQUIRED");
                w.WriteString("reasonMessage", "Verify your account to continue.");
                w.WriteString("tierId", "free-tier");
                w.WriteString("tierName", FreeTierName);
                w.WriteString("validationUrl", "https://accounts.google.com/signin/continue?emulated=1");
                w.WriteEndObject();
                w.WriteEndArray();
            }

            if (project is not null)
            {
                w.WriteString("cloudaicompanionProject", project);
            }

            w.WriteEndObject();
        });
    }

    public async Task OnboardAsync(HttpContext context)
    {
        if (await BeginAsync(context) is not { } call)
        {
            return;
        }

        using var _ = call.Document;
        var root = call.Document.RootElement;
        var tier = root.TryGetProperty("tierId", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        var project = root.TryGetProperty("cloudaicompanionProject", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        if (CodeAssistAccounts.MustVerify(call.Token))
        {
            await errors.FailedPrecondition("Account verification is required before onboarding.").WriteAsync(context);
            return;
        }

        if (tier == "free-tier" && project is not null)
        {
            // Recorded by gemini-cli: naming a project for the free tier is refused.
            await errors.FailedPrecondition("Precondition check failed.").WriteAsync(context);
            return;
        }

        if (tier != "free-tier" && project is null)
        {
            await errors.InvalidRequest($"A Google Cloud project is required to onboard to {tier ?? "a tier"}.").WriteAsync(context);
            return;
        }

        var name = accounts.StartOnboarding(call.Token, project);
        await Reply(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteBoolean("done", false);
            w.WriteEndObject();
        });
    }

    public async Task OperationAsync(HttpContext context, string name)
    {
        if (await BeginAsync(context, readBody: false) is not { } call)
        {
            return;
        }

        using var _ = call.Document;
        if (accounts.Poll(name) is not { } state)
        {
            await errors.UnknownPath($"GET {context.Request.Path}").WriteAsync(context);
            return;
        }

        await Reply(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteBoolean("done", state.Done);
            if (state.Done)
            {
                w.WriteStartObject("response");
                w.WriteString("@type", "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse");
                w.WriteStartObject("cloudaicompanionProject");
                w.WriteString("id", state.Project);
                w.WriteString("name", state.Project);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        });
    }

    public async Task QuotaAsync(HttpContext context)
    {
        if (await BeginAsync(context) is not { } call)
        {
            return;
        }

        using var _ = call.Document;
        if (!call.Document.RootElement.TryGetProperty("project", out var project) || project.ValueKind != JsonValueKind.String)
        {
            await errors.InvalidRequest("project is required.").WriteAsync(context);
            return;
        }

        var reset = services.Time.GetUtcNow().AddHours(24).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        await Reply(context, 200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("buckets");
            foreach (var model in GeminiModels.All)
            {
                if (!model.Methods.Contains("generateContent") || model.Id.Contains("latest", StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var id in new[] { model.Id, model.Id + "_vertex" })
                {
                    w.WriteStartObject();
                    w.WriteString("resetTime", reset);
                    w.WriteString("tokenType", "REQUESTS");
                    w.WriteString("modelId", id);
                    w.WriteNumber("remainingFraction", 1);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static void WriteTier(Utf8JsonWriter w, string? property, string id, string name, bool isDefault, bool userProject)
    {
        if (property is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(property);
        }

        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteString("description", name + " (emulated)");
        w.WriteBoolean("userDefinedCloudaicompanionProject", userProject);
        if (isDefault)
        {
            w.WriteBoolean("isDefault", true);
        }

        w.WriteEndObject();
    }

    /// <summary>Reads and records the request and checks the token; null when the answer (an error) was already written.</summary>
    private async Task<Call?> BeginAsync(HttpContext context, bool readBody = true)
    {
        var body = readBody ? await RequestRecorder.ReadBodyAsync(context.Request, context.RequestAborted) : [];
        var outcome = auth.Authenticate(context.Request);
        services.Recorder.Record(context, EmulatorProviders.CodeAssist, outcome.Credential, model: null, body);
        var notes = RequestNotes.Of(context);
        if (outcome.Error is { } error)
        {
            notes.Scenario = "auth";
            await error.WriteAsync(context);
            return null;
        }

        notes.Scenario = "setup";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.Length == 0 ? "{}"u8.ToArray() : body);
        }
        catch (JsonException)
        {
            await errors.InvalidRequest("Invalid JSON payload received.").WriteAsync(context);
            return null;
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            await errors.InvalidRequest("Invalid JSON payload received: expected an object.").WriteAsync(context);
            return null;
        }

        return new Call(outcome.Credential!, document);
    }

    private static Task Reply(HttpContext context, int status, Action<Utf8JsonWriter> write) =>
        new JsonReply(status, WireJson.Once(write, indented: true), GeminiErrors.ContentType).WriteAsync(context);

    private sealed record Call(string Token, JsonDocument Document);
}
