using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Providers.Saved;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>
/// /api/settings/providers: the OpenAI-compatible providers. Those saved here are added, edited and removed; those
/// declared in the environment or providers.json are listed read-only. Bodies take the providers.json fields.
/// </summary>
public static class ProviderSettingsEndpoints
{
    public static IEndpointRouteBuilder MapProviderSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/settings/providers");
        group.MapGet("", async (SavedProviders providers, CancellationToken ct) =>
            Results.Ok((await providers.ListAsync(ct)).Select(DeclaredProviderView.From)));

        group.MapGet("/{id}", async (string id, SavedProviders providers, CancellationToken ct) =>
            Results.Ok(DeclaredProviderView.From(await providers.GetAsync(id, ct))));

        group.MapPost("", async (JsonElement? body, SavedProviders providers, CancellationToken ct) =>
        {
            var added = await providers.AddAsync(Fields(body, nullMeansDefault: false), ct);
            return Results.Created($"/api/settings/providers/{added.Declaration.Id}", DeclaredProviderView.From(added));
        });

        // Changes the fields the body names; "" or null puts a field back to its default.
        group.MapPut("/{id}", async (string id, JsonElement? body, SavedProviders providers, CancellationToken ct) =>
            Results.Ok(DeclaredProviderView.From(await providers.UpdateAsync(id, Fields(body, nullMeansDefault: true), ct))));

        group.MapDelete("/{id}", async (string id, SavedProviders providers, CancellationToken ct) =>
        {
            await providers.RemoveAsync(id, ct);
            return Results.NoContent();
        });
        return app;
    }

    /// <summary>The body's fields as text, the way providers.json values are read (strings, true/false, numbers).</summary>
    private static Dictionary<string, string?> Fields(JsonElement? body, bool nullMeansDefault)
    {
        if (body is not { ValueKind: JsonValueKind.Object } json)
        {
            throw new ValidationFailedException("body",
                "Send a JSON object with the provider's fields, e.g. {\"id\": \"ollama\", \"base_url\": \"http://localhost:11434/v1\"}.");
        }

        var errors = new FieldErrors();
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            switch (property.Value.ValueKind)
            {
                case JsonValueKind.String:
                    fields[property.Name] = property.Value.GetString();
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    fields[property.Name] = property.Value.ValueKind == JsonValueKind.True ? "true" : "false";
                    break;
                case JsonValueKind.Number:
                    fields[property.Name] = property.Value.GetRawText();
                    break;
                case JsonValueKind.Null:
                    if (nullMeansDefault)
                    {
                        fields[property.Name] = "";
                    }

                    break;
                default:
                    errors.Add(property.Name, $"Expected a string, a number or true/false, not {property.Value.ValueKind.ToString().ToLowerInvariant()}.");
                    break;
            }
        }

        errors.ThrowIfAny();
        return fields;
    }
}
