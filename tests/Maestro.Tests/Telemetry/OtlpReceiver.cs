using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP (protobuf) collector on a loopback port: records every span and metric point exported to it, and lets a
/// test wait until what it expects has arrived.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<OtlpSpan> _spans = [];
    private readonly List<OtlpPoint> _points = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var receiver = new OtlpReceiver(builder.Build());
        receiver._app.MapPost("/v1/traces", (HttpRequest request) => receiver.ReceiveAsync(request, OtlpData.Spans, receiver._spans));
        receiver._app.MapPost("/v1/metrics", (HttpRequest request) => receiver.ReceiveAsync(request, OtlpData.Points, receiver._points));
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Endpoint = new Uri($"http://127.0.0.1:{new Uri(address).Port}");
        return receiver;
    }

    public IReadOnlyList<OtlpSpan> Spans
    {
        get
        {
            lock (_lock)
            {
                return [.. _spans];
            }
        }
    }

    public IReadOnlyList<OtlpPoint> Points
    {
        get
        {
            lock (_lock)
            {
                return [.. _points];
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for what has arrived (checked on every export).</summary>
    public async Task WaitAsync(Func<OtlpReceiver, bool> done, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        while (true)
        {
            Task arrived;
            lock (_lock)
            {
                arrived = _arrived.Task;
            }

            if (done(this))
            {
                return;
            }

            try
            {
                await arrived.WaitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The expected telemetry did not arrive in {timeout.TotalSeconds:0} s ({Spans.Count} spans, {Points.Count} points).");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync<T>(HttpRequest request, Func<ReadOnlyMemory<byte>, IEnumerable<T>> decode, List<T> into)
    {
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body);
        var items = decode(body.ToArray()).ToList();
        TaskCompletionSource arrived;
        lock (_lock)
        {
            into.AddRange(items);
            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
        // An empty ExportTraceServiceResponse / ExportMetricsServiceResponse.
        return Results.Bytes([], "application/x-protobuf");
    }
}
