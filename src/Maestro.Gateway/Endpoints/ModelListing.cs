using System.Text.Json;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Gateway.Addressing;
using Maestro.Gateway.Keys;
using Maestro.Wire;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Endpoints;

/// <summary>
/// The models a key can ask for, in the client's shape (OpenAI's list, Anthropic's with <c>anthropic-version</c>,
/// Gemini's under <c>/v1beta</c>): its routes first, then every model its auths list, both as a plain id and as
/// <c>provider/auth/model</c>.
/// </summary>
internal sealed class ModelListing(ModelIndex models, TimeProvider time)
{
    public async Task ListAsync(HttpContext context, WireApi api)
    {
        var entries = await EntriesAsync(GatewayCaller.Of(context), context.RequestAborted);
        await WriteAsync(context, api, entries);
    }

    public async Task GetAsync(HttpContext context, WireApi api, string id)
    {
        var caller = GatewayCaller.Of(context);
        var entries = await EntriesAsync(caller, context.RequestAborted);
        var name = id.StartsWith("models/", StringComparison.Ordinal) ? id[7..] : id;
        var found = entries.Find(e => e.Id == name);
        if (found is null)
        {
            await Outbound.ClientErrors.WriteAsync(context, api, new Outbound.GatewayError(404, Outbound.ErrorClass.NotFound,
                TargetResolver.Unknown(caller.Snapshot, caller.Key, name), "model", "model_not_found"));
            return;
        }

        context.Response.ContentType = "application/json";
        var json = WireJson.Once(w => WriteEntry(w, api, found));
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    private async Task<List<Entry>> EntriesAsync(GatewayCaller caller, CancellationToken cancellationToken)
    {
        var entries = new List<Entry>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var route in caller.Snapshot.RoutesOf(caller.Key))
        {
            if (seen.Add(route.Name))
            {
                entries.Add(new Entry(route.Name, "maestro-route", $"Route {route.Name}: {string.Join(", ", route.Targets)}"));
            }
        }

        var auths = caller.Snapshot.AuthsOf(caller.Key).Where(a => a.Status != AuthStatus.NeedsRelogin).ToList();
        var lists = await Task.WhenAll(auths.Select(a => models.ListAsync(a, cancellationToken)));
        for (var i = 0; i < auths.Count; i++)
        {
            foreach (var model in lists[i].Order(StringComparer.Ordinal))
            {
                if (seen.Add(model))
                {
                    entries.Add(new Entry(model, auths[i].Provider, model));
                }
            }
        }

        for (var i = 0; i < auths.Count; i++)
        {
            foreach (var model in lists[i].Order(StringComparer.Ordinal))
            {
                var qualified = $"{auths[i].Ref}/{model}";
                if (seen.Add(qualified))
                {
                    entries.Add(new Entry(qualified, auths[i].Provider, $"{model} through {auths[i].Ref}"));
                }
            }
        }

        return entries;
    }

    private async Task WriteAsync(HttpContext context, WireApi api, List<Entry> entries)
    {
        var json = WireJson.Once(w =>
        {
            w.WriteStartObject();
            switch (api)
            {
                case WireApi.Messages:
                    w.WriteStartArray("data");
                    entries.ForEach(e => WriteEntry(w, api, e));
                    w.WriteEndArray();
                    w.WriteBoolean("has_more", false);
                    WriteNullable(w, "first_id", entries.Count > 0 ? entries[0].Id : null);
                    WriteNullable(w, "last_id", entries.Count > 0 ? entries[^1].Id : null);
                    break;
                case WireApi.GenerateContent:
                    w.WriteStartArray("models");
                    entries.ForEach(e => WriteEntry(w, api, e));
                    w.WriteEndArray();
                    break;
                default:
                    w.WriteString("object", "list");
                    w.WriteStartArray("data");
                    entries.ForEach(e => WriteEntry(w, api, e));
                    w.WriteEndArray();
                    break;
            }

            w.WriteEndObject();
        });
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted);
    }

    private void WriteEntry(Utf8JsonWriter w, WireApi api, Entry entry)
    {
        w.WriteStartObject();
        switch (api)
        {
            case WireApi.Messages:
                w.WriteString("type", "model");
                w.WriteString("id", entry.Id);
                w.WriteString("display_name", entry.Description);
                w.WriteString("created_at", "2025-01-01T00:00:00Z");
                break;
            case WireApi.GenerateContent:
                w.WriteString("name", "models/" + entry.Id);
                w.WriteString("displayName", entry.Id);
                w.WriteString("description", entry.Description);
                w.WriteStartArray("supportedGenerationMethods");
                w.WriteStringValue("generateContent");
                w.WriteStringValue("countTokens");
                w.WriteEndArray();
                break;
            default:
                w.WriteString("id", entry.Id);
                w.WriteString("object", "model");
                w.WriteNumber("created", time.GetUtcNow().ToUnixTimeSeconds());
                w.WriteString("owned_by", entry.OwnedBy);
                break;
        }

        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private sealed record Entry(string Id, string OwnedBy, string Description);
}
