using System.Globalization;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Anthropic;

/// <summary>GET /v1/models, following after_id pagination to the end, with limits filled from the per-model table.</summary>
internal static class AnthropicModelCatalog
{
    // A provider that always answers has_more would otherwise keep us paging for ever.
    private const int MaxPages = 100;

    public static async Task<IReadOnlyList<ModelInfo>> ListAsync(ProviderEndpoint endpoint, AnthropicOptions options, CancellationToken cancellationToken)
    {
        var connection = endpoint.Connection;
        var models = new List<ModelInfo>();
        string? after = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var path = after is null
                ? $"/v1/models?limit={options.ModelsPageSize}"
                : $"/v1/models?limit={options.ModelsPageSize}&after_id={Uri.EscapeDataString(after)}";
            using var response = await endpoint.SendAsync(AnthropicHttpRequests.Get(connection.BaseUrl, options, path), null, cancellationToken);
            var body = await connection.ReadBodyAsync(response, null, cancellationToken);
            var (hasMore, lastId) = ReadPage(body, models, connection);
            if (!hasMore || lastId is null || lastId == after)
            {
                break;
            }

            after = lastId;
        }

        return models;
    }

    internal static (bool HasMore, string? LastId) ReadPage(byte[] body, List<ModelInfo> into, ProviderConnection connection)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.Create(
                ProviderErrorKind.Transport,
                connection.Context(null),
                null,
                $"the model list from {connection.BaseUrl.Authority} was not valid JSON ({ex.Message})",
                inner: ex);
        }

        using (document)
        {
            var root = document.RootElement;
            string? lastId = null;
            if (root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in data.EnumerateArray())
                {
                    if (String(item, "id") is not { } id)
                    {
                        continue;
                    }

                    lastId = id;
                    var known = AnthropicModels.Find(id);
                    into.Add(new ModelInfo(
                        id,
                        String(item, "display_name"),
                        Number(item, "max_input_tokens") ?? known?.ContextWindow,
                        Number(item, "max_tokens") ?? known?.MaxOutputTokens,
                        String(item, "created_at") is { } created &&
                        DateTimeOffset.TryParse(created, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null,
                        "anthropic"));
                }
            }

            var hasMore = root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
            return (hasMore, String(root, "last_id") ?? lastId);
        }
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Number(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) ? n : null;
}
