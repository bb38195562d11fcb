using System.Text.Json;
using Maestro.Core.Providers;

namespace Maestro.Providers.OpenAI.ChatGpt;

/// <summary>
/// The live model list of a ChatGPT login: <c>GET {base}/models?client_version=0.0.0</c>, the endpoint the Codex CLI
/// lists models with (<c>codex-rs/codex-api/src/endpoint/models.rs</c>), answering
/// <c>{"models":[{"slug","display_name","description","context_window","visibility","supported_reasoning_levels":[{"effort"}],…}]}</c>.
/// </summary>
/// <remarks>
/// <c>client_version</c> is required (without it the backend answers 400). It is a Codex CLI compatibility version:
/// the backend hides models whose <c>minimal_client_version</c> is newer. Maestro is not the Codex CLI and does not
/// claim one of its versions; <c>0.0.0</c> is the backend's "no client version" value, which returns the account's whole
/// catalog (observed by Zed, zed-industries/zed#62729). Models with <c>visibility</c> other than <c>list</c> are ones
/// the Codex apps do not offer in their pickers, and are left out too.
/// </remarks>
public static class ChatGptModelCatalog
{
    public const string ClientVersion = "0.0.0";

    public static async Task<IReadOnlyList<ModelInfo>> ListAsync(ProviderEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = endpoint.Connection;
        ChatGptRequests.AccountId(connection);
        var url = ChatGptBackend.Resolve(connection.BaseUrl, "models?client_version=" + ClientVersion);
        using var response = await endpoint.SendAsync(ChatGptRequests.Create(HttpMethod.Get, url, body: null, stream: false), null, cancellationToken);
        var body = await connection.ReadBodyAsync(response, null, cancellationToken);
        try
        {
            return Read(body);
        }
        catch (JsonException ex)
        {
            throw connection.StreamFailure(null, new InvalidDataException($"the model list was not valid JSON ({ex.Message})", ex));
        }
    }

    /// <exception cref="JsonException">Not JSON, or not an object with a <c>models</c> array.</exception>
    public static IReadOnlyList<ModelInfo> Read(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object ||
            !document.RootElement.TryGetProperty("models", out var models) || models.ValueKind != JsonValueKind.Array)
        {
            throw new JsonException("expected an object with a \"models\" array");
        }

        var result = new List<ModelInfo>();
        foreach (var model in models.EnumerateArray())
        {
            if (String(model, "slug") is not { Length: > 0 } slug || String(model, "visibility") is { } visibility && visibility != "list")
            {
                continue;
            }

            var family = OpenAIModels.Find(slug);
            var capabilities = new List<string> { "chat", "tools", "reasoning" };
            if (model.TryGetProperty("supported_reasoning_levels", out var levels) && levels.ValueKind == JsonValueKind.Array)
            {
                foreach (var level in levels.EnumerateArray())
                {
                    if ((level.ValueKind == JsonValueKind.Object ? String(level, "effort") : level.ValueKind == JsonValueKind.String ? level.GetString() : null) is { } effort)
                    {
                        capabilities.Add("effort:" + effort);
                    }
                }
            }

            result.Add(new ModelInfo(
                slug,
                String(model, "display_name"),
                model.TryGetProperty("context_window", out var window) && window.ValueKind == JsonValueKind.Number && window.TryGetInt32(out var tokens)
                    ? tokens
                    : family?.ContextWindow,
                family is { MaxOutput: > 0 } ? family.MaxOutput : null,
                OwnedBy: "openai",
                Capabilities: capabilities));
        }

        return result;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
