using System.Text.Json;
using Maestro.Core.Providers;

namespace Maestro.Providers.OpenAI;

/// <summary>
/// Reads OpenAI's model list format (<c>{"object":"list","data":[{"id","created","owned_by"}]}</c>), which
/// OpenAI-compatible servers share, following <c>has_more</c>/<c>last_id</c> pages where a server paginates.
/// Extra fields some servers add (OpenRouter's <c>name</c> and <c>context_length</c>, vLLM's <c>max_model_len</c>) are kept.
/// </summary>
public static class ModelListReader
{
    private const int MaxPages = 100;

    public sealed record Page(IReadOnlyList<ModelInfo> Models, bool HasMore, string? LastId);

    /// <param name="enrich">Adds what the provider's own tables know about a model.</param>
    public static async Task<IReadOnlyList<ModelInfo>> ListAllAsync(
        ProviderEndpoint endpoint,
        Uri url,
        Func<ModelInfo, ModelInfo>? enrich,
        CancellationToken cancellationToken)
    {
        var connection = endpoint.Connection;
        var models = new List<ModelInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pageUrl = url;
        for (var page = 0; page < MaxPages; page++)
        {
            using var response = await endpoint.SendAsync(OpenAIRequests.Create(HttpMethod.Get, pageUrl, content: null, stream: false), null, cancellationToken);
            var body = await connection.ReadBodyAsync(response, null, cancellationToken);

            Page result;
            try
            {
                result = Read(body, enrich);
            }
            catch (JsonException ex)
            {
                throw connection.StreamFailure(null, new InvalidDataException($"the model list was not valid JSON ({ex.Message})", ex));
            }

            foreach (var model in result.Models)
            {
                if (seen.Add(model.Id))
                {
                    models.Add(model);
                }
            }

            if (!result.HasMore || result.LastId is null || result.Models.Count == 0)
            {
                break;
            }

            pageUrl = WithQuery(url, "after", result.LastId);
        }

        return models;
    }

    public static Page Read(ReadOnlySpan<byte> body, Func<ModelInfo, ModelInfo>? enrich = null)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        var root = document.RootElement;
        var list = root.ValueKind == JsonValueKind.Array ? root
            : root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data
            : root.TryGetProperty("models", out var alt) && alt.ValueKind == JsonValueKind.Array ? alt
            : throw new JsonException("expected a \"data\" array of models");
        var models = new List<ModelInfo>();
        foreach (var entry in list.EnumerateArray())
        {
            if (Str(entry, "id") is not { Length: > 0 } id)
            {
                continue;
            }

            var info = new ModelInfo(
                id,
                DisplayName: Str(entry, "name") ?? Str(entry, "display_name"),
                ContextWindow: Int(entry, "context_length") ?? Int(entry, "context_window") ?? Int(entry, "max_model_len"),
                CreatedAt: entry.TryGetProperty("created", out var created) && created.ValueKind == JsonValueKind.Number && created.TryGetInt64(out var s)
                    ? DateTimeOffset.FromUnixTimeSeconds(s)
                    : null,
                OwnedBy: Str(entry, "owned_by"));
            models.Add(enrich is null ? info : enrich(info));
        }

        var hasMore = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
        var lastId = root.ValueKind == JsonValueKind.Object ? Str(root, "last_id") : null;
        lastId ??= hasMore && models.Count > 0 ? models[^1].Id : null;
        return new Page(models, hasMore, lastId);
    }

    private static Uri WithQuery(Uri url, string name, string value)
    {
        var separator = string.IsNullOrEmpty(url.Query) ? "?" : "&";
        return new Uri($"{url}{separator}{name}={Uri.EscapeDataString(value)}");
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static int? Int(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) &&
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : null;
}
