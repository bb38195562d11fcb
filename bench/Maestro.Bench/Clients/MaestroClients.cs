using System.Diagnostics.Metrics;
using Maestro.Bench.Streams;
using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Maestro.Core.Providers.Pipeline;
using Maestro.Core.Telemetry;
using Maestro.Core.Usage;
using Maestro.Providers.Anthropic;
using Maestro.Providers.Gemini;
using Maestro.Providers.OpenAI;
using Maestro.Providers.OpenAICompatible;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Bench.Clients;

/// <summary>
/// Maestro's own chat client for an adapter, built the way the app builds it (default runtime options): the auth's
/// pipeline (telemetry, usage accounting, the adapter) over the provider handlers (resilience, typed errors,
/// credentials) over <c>primary</c>. Only the usage ledger is left out (it is one database write per call, not per token).
/// </summary>
public static class MaestroClients
{
    private static readonly MaestroMetrics Metrics = new(new Meter(MaestroTelemetry.Name));

    public static IChatClient Create(Adapter adapter, HttpMessageHandler primary, Uri baseUrl)
    {
        var runtime = new ProviderRuntime(new ProviderRuntimeOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        var (provider, url) = adapter switch
        {
            Adapter.AnthropicMessages => ((IProvider)new AnthropicProvider(new AnthropicOptions { BaseUrl = Under(baseUrl, "anthropic") }), Under(baseUrl, "anthropic")),
            Adapter.OpenAIResponses => (new OpenAIProvider(new OpenAIOptions { BaseUrl = Under(baseUrl, "openai") }), Under(baseUrl, "openai")),
            Adapter.ChatCompletions => (new CompatibleProvider(new CompatibleProviderSettings("bench-compatible", "Bench", Under(baseUrl, "openai/v1"))), Under(baseUrl, "openai/v1")),
            Adapter.Gemini => (new GeminiProvider(new GeminiOptions { BaseUrl = Under(baseUrl, "gemini") }), Under(baseUrl, "gemini")),
            _ => throw new ArgumentOutOfRangeException(nameof(adapter), adapter, "unknown adapter"),
        };

        var id = provider.Descriptor.Id;
        var now = DateTimeOffset.UtcNow;
        var auth = new AuthRecord(Guid.NewGuid(), id, "bench", AuthType.ApiKey, AuthStatus.Active, null, null, new Dictionary<string, string>(), now, now, null);
        var credentials = new StaticCredentialSource(new AuthCredentials { ApiKey = WireRequests.ApiKey });
        var http = new HttpClient(ProviderHttpHandlers.Over(primary, runtime));
        var pipeline = new ChatPipeline(Metrics, new NoLedger(), new TelemetryOptions(), NullLoggerFactory.Instance);
        return pipeline.Build(provider, new ProviderConnection(auth, credentials, http, url, runtime));
    }

    /// <summary>One user message, the request every benchmark sends.</summary>
    public static readonly IReadOnlyList<ChatMessage> Prompt = [new(ChatRole.User, "Hello")];

    public static ChatOptions Options(string model) => new() { ModelId = model, MaxOutputTokens = 32000 };

    /// <summary>Streams the answer and counts its text deltas (the benchmark's tokens).</summary>
    public static async Task<int> CountTextDeltasAsync(IChatClient client, ChatOptions options)
    {
        var deltas = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt, options))
        {
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextContent { Text.Length: > 0 }:
                        deltas++;
                        break;
                    case ErrorContent error:
                        throw new InvalidOperationException($"Maestro reported a stream error: {error.Message}");
                }
            }
        }

        return deltas;
    }

    private static Uri Under(Uri root, string path) => new(root, path);

    private sealed class NoLedger : IUsageRecorder
    {
        public void Record(UsageRecord record)
        {
        }
    }
}
