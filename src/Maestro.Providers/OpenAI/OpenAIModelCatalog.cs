using Maestro.Core.Providers;

namespace Maestro.Providers.OpenAI;

/// <summary>Lists models from <c>GET /v1/models</c>, adding context windows and capabilities from <see cref="OpenAIModels"/>.</summary>
public static class OpenAIModelCatalog
{
    public static Task<IReadOnlyList<ModelInfo>> ListAsync(ProviderEndpoint endpoint, CancellationToken cancellationToken) =>
        ModelListReader.ListAllAsync(endpoint, OpenAIEndpoints.Resolve(endpoint.Connection.BaseUrl, "models"), Enrich, cancellationToken);

    public static ModelInfo Enrich(ModelInfo model)
    {
        var family = OpenAIModels.Find(model.Id);
        var kind = family?.Kind ?? KindFromName(model.Id);
        IReadOnlyList<string>? capabilities = kind switch
        {
            "chat" when family?.Reasoning == true || family is null && OpenAIModels.IsReasoning(model.Id) => ["chat", "tools", "reasoning"],
            "chat" => ["chat", "tools"],
            null => null,
            _ => [kind],
        };
        return model with
        {
            ContextWindow = model.ContextWindow ?? family?.ContextWindow,
            MaxOutputTokens = model.MaxOutputTokens ?? (family is { MaxOutput: > 0 } ? family.MaxOutput : null),
            Capabilities = model.Capabilities ?? capabilities,
        };
    }

    // Models outside the table still say what they are in their names.
    private static string? KindFromName(string id) =>
        id.Contains("embedding", StringComparison.Ordinal) ? "embeddings"
        : id.Contains("moderation", StringComparison.Ordinal) ? "moderation"
        : id.StartsWith("dall-e", StringComparison.Ordinal) || id.StartsWith("gpt-image", StringComparison.Ordinal) ? "image_generation"
        : id.StartsWith("whisper", StringComparison.Ordinal) || id.StartsWith("tts", StringComparison.Ordinal) ||
          id.Contains("transcribe", StringComparison.Ordinal) || id.Contains("-tts", StringComparison.Ordinal) ||
          id.Contains("realtime", StringComparison.Ordinal) || id.Contains("audio", StringComparison.Ordinal) ? "audio"
        : id.StartsWith("gpt-", StringComparison.Ordinal) || id.StartsWith("chatgpt-", StringComparison.Ordinal) ||
          OpenAIModels.IsReasoning(id) ? "chat"
        : null;
}
