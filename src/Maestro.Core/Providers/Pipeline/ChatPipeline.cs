using Maestro.Core.Telemetry;
using Maestro.Core.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Providers.Pipeline;

/// <summary>
/// Builds an auth's chat client: the provider's adapter (the wire mapping) inside the cross-cutting layers, outermost
/// first: GenAI telemetry → usage accounting → the adapter. Below the adapter, its HttpClient's handlers do the rest
/// (<see cref="Http.ProviderHttpHandlers"/>: resilience, typed errors, credentials with one refresh after a 401, the
/// HTTP_DEBUG log). <see cref="ProviderConnections"/> keeps one per auth.
/// </summary>
public sealed class ChatPipeline(MaestroMetrics metrics, IUsageRecorder usage, TelemetryOptions telemetry, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger<UsageAccountingChatClient>();

    public IChatClient Build(IProvider provider, ProviderConnection connection) =>
        new ChatClientBuilder(provider.CreateChatClient(connection))
            .UseGenAiTelemetry(metrics, connection.AuthLabel, telemetry.CaptureMessageContent)
            .UseUsageAccounting(usage, connection.Auth, _logger)
            .Build();

    /// <summary>
    /// The pipeline without the usage ledger, for the gateway's translated requests: they get the same GenAI span and
    /// token metrics as every other call, but the gateway records each request itself (per key and auth, in batches off
    /// the request path), and the ledger's write at the end of each call would hold every answer's end for a database
    /// round trip.
    /// </summary>
    public IChatClient BuildWithoutLedger(IProvider provider, ProviderConnection connection) =>
        new ChatClientBuilder(provider.CreateChatClient(connection))
            .UseGenAiTelemetry(metrics, connection.AuthLabel, telemetry.CaptureMessageContent)
            .Build();
}
