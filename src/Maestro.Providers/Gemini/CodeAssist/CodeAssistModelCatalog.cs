using System.Buffers;
using System.Text.Json;
using Maestro.Core.Providers;

namespace Maestro.Providers.Gemini.CodeAssist;

/// <summary>
/// The models a Code Assist login can use. Code Assist has no model list endpoint; what it has is the per-user quota,
/// <c>POST /v1internal:retrieveUserQuota {"project"}</c> → <c>{"buckets": [{"modelId", "tokenType", "remainingFraction",
/// "resetTime"}]}</c>, with one bucket per model the account may call (gemini-cli decides preview-model access by whether a
/// bucket names the model). The distinct model ids of those buckets are the list; <c>_vertex</c> buckets count against
/// the same model and fold into it. Limits come from what the Gemini adapter knows about each id.
/// </summary>
internal sealed class CodeAssistModelCatalog(CodeAssistSetup setup)
{
    private const string VertexSuffix = "_vertex";

    public async Task<IReadOnlyList<ModelInfo>> ListAsync(ProviderEndpoint endpoint, CancellationToken cancellationToken)
    {
        var connection = endpoint.Connection;
        var project = await setup.EnsureProjectAsync(connection, cancellationToken);
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("project", project);
            writer.WriteEndObject();
        }

        var body = await CodeAssistRequests.SendAsync(
            endpoint, HttpMethod.Post, CodeAssistMode.Method(connection.BaseUrl, "retrieveUserQuota"), buffer.WrittenMemory, null, cancellationToken);
        try
        {
            return Read(body) is { Count: > 0 } models
                ? models
                : throw new ProviderException(
                    ProviderErrorKind.NotFound,
                    $"Code Assist lists no models for {connection.AuthLabel}: its quota (retrieveUserQuota) has no model buckets.",
                    hint: "Check that the account has Gemini Code Assist, or name a model directly (e.g. --model gemini-2.5-flash).");
        }
        catch (JsonException ex)
        {
            throw connection.StreamFailure(null, new InvalidDataException($"the quota answer was not valid JSON ({ex.Message})", ex));
        }
    }

    /// <exception cref="JsonException">Not a JSON object.</exception>
    internal static IReadOnlyList<ModelInfo> Read(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("retrieveUserQuota did not answer with a JSON object");
        }

        var models = new List<ModelInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bucket in CodeAssistJson.Array(document.RootElement, "buckets"))
        {
            if (bucket.ValueKind != JsonValueKind.Object || CodeAssistJson.String(bucket, "modelId") is not { } id)
            {
                continue;
            }

            if (id.EndsWith(VertexSuffix, StringComparison.Ordinal))
            {
                id = id[..^VertexSuffix.Length];
            }

            if (!seen.Add(id))
            {
                continue;
            }

            var known = GeminiModel.Parse(id);
            var capabilities = new List<string> { "generateContent" };
            if (known.Thinking != GeminiThinkingStyle.None)
            {
                capabilities.Add("thinking");
            }

            models.Add(new ModelInfo(
                id,
                ContextWindow: known.ContextWindow,
                MaxOutputTokens: known.IsGemini ? known.DefaultMaxOutputTokens : null,
                OwnedBy: "google",
                Capabilities: capabilities));
        }

        return models;
    }
}
