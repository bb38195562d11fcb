using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Lists models from <c>GET /v1beta/models</c>, following <c>nextPageToken</c> to the end. Only models that support
/// <c>generateContent</c> are chat models (embeddings, Imagen, Veo and AQA are left out). The id is the name without
/// its <c>models/</c> prefix; inputTokenLimit is the context window and outputTokenLimit the output limit.
/// </summary>
internal sealed class GeminiModelCatalog(GeminiOptions options)
{
    /// <summary>Stops a server that keeps handing out page tokens from looping for ever.</summary>
    private const int MaxPages = 100;

    public async Task<IReadOnlyList<ModelInfo>> ListAsync(ProviderEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = endpoint.Connection;
        var models = new List<ModelInfo>();
        string? pageToken = null;
        for (var page = 0; page < MaxPages; page++)
        {
            var url = GeminiEndpoints.Models(connection.BaseUrl, options.ModelsPageSize, pageToken);
            using var response = await endpoint.SendAsync(GeminiEndpoints.Create(HttpMethod.Get, url, stream: false), null, cancellationToken);
            var body = await connection.ReadBodyAsync(response, null, cancellationToken);

            try
            {
                pageToken = ReadPage(body, models);
            }
            catch (JsonException ex)
            {
                throw ProviderErrors.Create(
                    ProviderErrorKind.Server,
                    connection.Context(null),
                    (int)response.StatusCode,
                    $"the model list was not valid JSON ({ex.Message})",
                    inner: ex);
            }

            if (pageToken is null)
            {
                break;
            }
        }

        return models;
    }

    /// <summary>Adds a page's chat models; returns the next page token, or null at the end.</summary>
    internal static string? ReadPage(byte[] body, List<ModelInfo> into)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.TryGetProperty("models", out var models) && models.ValueKind == JsonValueKind.Array)
        {
            foreach (var model in models.EnumerateArray())
            {
                if (ToModelInfo(model) is { } info)
                {
                    into.Add(info);
                }
            }
        }

        return root.TryGetProperty("nextPageToken", out var next) && next.ValueKind == JsonValueKind.String && next.GetString() is { Length: > 0 } token
            ? token
            : null;
    }

    private static ModelInfo? ToModelInfo(JsonElement model)
    {
        if (String(model, "name") is not { } name)
        {
            return null;
        }

        var capabilities = new List<string>();
        var chat = false;
        if (model.TryGetProperty("supportedGenerationMethods", out var methods) && methods.ValueKind == JsonValueKind.Array)
        {
            foreach (var method in methods.EnumerateArray())
            {
                if (method.GetString() is { } value)
                {
                    capabilities.Add(value);
                    chat |= value == "generateContent";
                }
            }
        }

        if (!chat)
        {
            return null;
        }

        if (model.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.True)
        {
            capabilities.Add("thinking");
        }

        var id = name.StartsWith("models/", StringComparison.Ordinal) ? name["models/".Length..] : name;
        return new ModelInfo(
            id,
            String(model, "displayName"),
            Int(model, "inputTokenLimit"),
            Int(model, "outputTokenLimit"),
            OwnedBy: "google",
            Capabilities: capabilities);
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : null;
}
