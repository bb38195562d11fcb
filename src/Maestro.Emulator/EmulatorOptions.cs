using Microsoft.Extensions.Logging;

namespace Maestro.Emulator;

/// <summary>
/// Settings of one emulator; each maps to a <c>maestro emulate</c> flag:
/// <c>--port</c> → <see cref="Port"/>, <c>--tokens</c> → <see cref="SyntheticTokens"/>,
/// <c>--rate</c> → <see cref="TokensPerSecond"/>, <c>--fault</c> → <see cref="Fault"/> (via <see cref="EmulatorFault.Parse"/>),
/// <c>--http2</c> → <see cref="Http2"/>.
/// </summary>
public sealed record EmulatorOptions
{
    /// <summary>Loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Length of the default synthetic answer, in tokens (one text-delta event each).</summary>
    public int SyntheticTokens { get; init; } = 200;

    /// <summary>Pace of synthetic and replayed streams; 0 = as fast as possible.</summary>
    public double TokensPerSecond { get; init; }

    /// <summary>A fault applied to every chat request that no script or model-name convention answers.</summary>
    public EmulatorFault? Fault { get; init; }

    /// <summary>
    /// The API keys and bearer tokens accepted. Null accepts any non-empty credential except those starting with
    /// <c>invalid</c>, so tests can provoke the providers' authentication errors with a key like <c>invalid-key</c>.
    /// </summary>
    public IReadOnlySet<string>? ApiKeys { get; init; }

    /// <summary>Receives one line per request (method, path, model, scenario, status) with credentials redacted.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>
    /// Speak HTTP/2 only, from the first byte ("prior knowledge", as plain http has no negotiation): the provider end of
    /// MAESTRO_PROVIDER_HTTP_VERSION=2, for load tests of many turns on a few connections. HTTP/1.1 clients (a browser,
    /// curl without <c>--http2-prior-knowledge</c>, OAuth sign-ins) cannot talk to it.
    /// </summary>
    public bool Http2 { get; init; }

    /// <summary>Clock used to pace streams and stamp recorded requests.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(Port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(SyntheticTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(TokensPerSecond);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
