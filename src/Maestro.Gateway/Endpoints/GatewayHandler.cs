using System.Diagnostics;
using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Quota;
using Maestro.Core.Usage;
using Maestro.Gateway.Addressing;
using Maestro.Gateway.Inbound;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Limits;
using Maestro.Gateway.Outbound;
using Maestro.Gateway.PassThrough;
using Maestro.Gateway.Pools;
using Maestro.Gateway.Translation;
using Maestro.Gateway.Upstream;
using Maestro.Gateway.Usage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Gateway.Endpoints;

/// <summary>
/// The path of every gateway request: read the body, check the key's limits, resolve the model to targets, order them
/// as a pool, then try them in turn — passed through when the target speaks the client's API, translated otherwise —
/// until one answers. Only failures before the first byte move on to the next target. Usage is recorded per key.
/// </summary>
internal sealed class GatewayHandler(
    TargetResolver resolver,
    Directory.GatewayDirectory directory,
    UpstreamClients upstreams,
    ProviderRegistry providers,
    IAuthLimits authLimits,
    KeyLimits keyLimits,
    UsageRecorder usage,
    PriceTable prices,
    GatewayOptions options,
    TimeProvider time,
    ILogger<GatewayHandler> logger)
{
    /// <param name="pathModel">The model named by the URL (Gemini), overriding the body.</param>
    /// <param name="pathStream">Streaming as decided by the URL (Gemini), overriding the body.</param>
    /// <param name="method">A method other than generating (<see cref="IPassThroughProvider.CountTokens"/>).</param>
    public async Task HandleAsync(HttpContext context, WireApi api, string? pathModel = null, bool? pathStream = null, string? method = null)
    {
        var caller = GatewayCaller.Of(context);
        var started = Stopwatch.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var record = new Attempted();
        try
        {
            var body = await ReadBodyAsync(context.Request, cancellationToken);
            var probe = RequestProbe.Read(body.Span);
            var model = pathModel ?? probe.Model;
            var stream = method is null && (pathStream ?? probe.Stream);
            if (await keyLimits.AdmitAsync(caller.Key, cancellationToken) is { } limited)
            {
                record.Status = limited.Status;
                await ClientErrors.WriteAsync(context, api, limited);
                return;
            }

            var resolution = await ResolveAsync(caller, model, cancellationToken);
            record.Route = resolution.Route;
            var pool = PoolOrder.Select(resolution.Targets, authLimits, time.GetUtcNow());
            if (pool.Ordered.Count == 0)
            {
                var exhausted = Exhausted(pool.Exhausted);
                record.Status = exhausted.Status;
                await ClientErrors.WriteAsync(context, api, exhausted);
                return;
            }

            var targets = Capable(pool.Ordered, probe.Needs, api);
            var sse = context.Request.Query["alt"] == "sse";
            await DispatchAsync(context, api, caller, body, probe, targets, stream, sse, method, record, cancellationToken);
        }
        catch (ClientRequestException ex)
        {
            record.Status = ex.Status;
            await ClientErrors.WriteAsync(context, api, new GatewayError(ex.Status, ex.Status == 404 ? ErrorClass.NotFound : ErrorClass.InvalidRequest, ex.Message, ex.Field, ex.Code));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the upstream request was cancelled with it.
            record.Status = 499;
        }
        finally
        {
            Record(caller, api, record, started);
        }
    }

    /// <summary>Resolves the model; a miss is tried once more on fresh keys, routes and auths (one created a moment ago).</summary>
    private async Task<Resolution> ResolveAsync(GatewayCaller caller, string? model, CancellationToken cancellationToken)
    {
        try
        {
            return await resolver.ResolveAsync(caller.Snapshot, caller.Key, model, cancellationToken);
        }
        catch (ClientRequestException ex) when (ex.Status == 404)
        {
            if (await directory.RefreshAfterMissAsync(caller.Snapshot, cancellationToken) is { } fresh && fresh.KeyById(caller.Key.Id) is { } key)
            {
                return await resolver.ResolveAsync(fresh, key, model, cancellationToken);
            }

            throw;
        }
    }

    private async Task DispatchAsync(
        HttpContext context, WireApi api, GatewayCaller caller, ReadOnlyMemory<byte> body, RequestProbe probe, List<Target> targets,
        bool stream, bool sse, string? method, Attempted record, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(body);
        InboundRequest? inbound = null;
        var failures = new List<ProviderException>();
        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var last = i == targets.Count - 1;
            record.Attempts++;
            record.Target = target;
            AttemptResult result;
            try
            {
                var upstream = await upstreams.ConnectAsync(target.Auth.Ref, retries: last, cancellationToken);
                var passThrough = api != WireApi.GenerateContent || !stream || sse ? upstream.PassThrough(api, target.Model, stream, method) : null;
                if (passThrough is not null)
                {
                    result = await PassThroughForwarder.TryAsync(context, upstream, passThrough, api, body, probe, target.Model, stream, cancellationToken);
                }
                else if (method is not null)
                {
                    await CountTokensLocallyAsync(context, api, body);
                    record.Status = 200;
                    return;
                }
                else
                {
                    inbound ??= Read(api, document.RootElement, context.Request);
                    result = await Translator.TryAsync(context, upstream, inbound, api, target.Model, stream, sse, document.RootElement, time, cancellationToken);
                }
            }
            catch (MaestroException ex) when (ex is not ProviderException and not ValidationFailedException)
            {
                // The auth could not be used at all: gone, needs a new login, or its provider is no longer configured.
                upstreams.Forget(target.Auth.Ref);
                result = AttemptResult.NotStarted(new ProviderException(ProviderErrorKind.Authentication, ex.Message, hint: ex.Hint, inner: ex));
            }

            if (result.Started)
            {
                authLimits.Report(target.Auth.Id, result.Failure is { } late && Failover.Signal(late, time.GetUtcNow()) is { } signal ? signal : AuthLimitSignal.Ok);
                record.Status = context.Response.StatusCode;
                record.Usage = result.Usage;
                record.Model = result.Model ?? target.Model;
                return;
            }

            var failure = result.Failure!;
            failures.Add(failure);
            if (Failover.Signal(failure, time.GetUtcNow()) is { } limit)
            {
                authLimits.Report(target.Auth.Id, limit);
            }

            if (failure.Kind == ProviderErrorKind.Authentication)
            {
                upstreams.Forget(target.Auth.Ref);
            }

            if (last || !Failover.ShouldTryNext(failure))
            {
                break;
            }

            logger.LogInformation("Gateway: {Target} failed ({Kind}: {Message}); trying {Next}.", target, failure.Kind.ToWire(), failure.Message, targets[i + 1]);
        }

        var error = Final(failures, targets);
        record.Status = error.Status;
        await ClientErrors.WriteAsync(context, api, error);
    }

    /// <summary>
    /// The error after every target failed. When all of them were limited the client gets 429 with the soonest time
    /// any of them recovers; otherwise the last failure as the client's error.
    /// </summary>
    private GatewayError Final(List<ProviderException> failures, List<Target> targets)
    {
        var last = failures[^1];
        if (failures.Count > 1 && failures.TrueForAll(f => f.Kind is ProviderErrorKind.RateLimited or ProviderErrorKind.QuotaExceeded))
        {
            var now = time.GetUtcNow();
            var soonest = targets.Select(t => authLimits.Get(t.Auth.Id).LimitedUntil).Where(u => u > now).Min();
            return new GatewayError(429, ErrorClass.RateLimit,
                $"Every auth of this pool is limited now ({string.Join("; ", failures.Select(f => f.Message))}).",
                Code: "rate_limit_exceeded", RetryAfter: soonest - now);
        }

        return GatewayError.From(last);
    }

    /// <summary>
    /// Every target's quota is used up until a known reset: the client's 429 says which and when the first one resets,
    /// with Retry-After, and no upstream request is made.
    /// </summary>
    private GatewayError Exhausted(List<ExhaustedTarget> exhausted)
    {
        var now = time.GetUtcNow();
        var soonest = exhausted.Min(e => e.Until);
        var which = string.Join("; ", exhausted.Select(e =>
            $"{e.Target.Auth.Ref} until {e.Until.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC"));
        return new GatewayError(429, ErrorClass.Quota,
            $"The quota of every auth that serves this model is used up ({which}). Retry after the first reset, or add another auth to the route.",
            Code: "insufficient_quota", RetryAfter: soonest - now);
    }

    /// <summary>Targets whose provider can do what the request needs; a clear 400 when none can (no call is made).</summary>
    private List<Target> Capable(List<Target> targets, RequestNeeds needs, WireApi api)
    {
        if (needs == RequestNeeds.None)
        {
            return targets;
        }

        var capable = targets.FindAll(t => !providers.TryGet(t.Auth.Provider, out var p) || Supports(p.Descriptor, needs));
        if (capable.Count > 0)
        {
            return capable;
        }

        var provider = providers.TryGet(targets[0].Auth.Provider, out var first) ? first.Descriptor.DisplayName : targets[0].Auth.Provider;
        var (field, what) = (needs & RequestNeeds.Images) != 0 && providers.TryGet(targets[0].Auth.Provider, out var p0) && !p0.Descriptor.Supports(ProviderFeatures.Images)
            ? (api switch { WireApi.Responses => "input", WireApi.GenerateContent => "contents", _ => "messages" }, "images")
            : ("tools", "tools (function calling)");
        throw new ClientRequestException(field, $"{targets[0]} cannot take {what}: {provider} does not support them. Remove them, or use a model whose provider does.");
    }

    private static bool Supports(ProviderDescriptor descriptor, RequestNeeds needs) =>
        ((needs & RequestNeeds.Images) == 0 || descriptor.Supports(ProviderFeatures.Images)) &&
        ((needs & RequestNeeds.Tools) == 0 || descriptor.Supports(ProviderFeatures.Tools));

    private static InboundRequest Read(WireApi api, JsonElement root, HttpRequest request) => api switch
    {
        WireApi.Messages => MessagesReader.Read(root, request.Headers["anthropic-version"].ToString() is { Length: > 0 } version ? version : null),
        WireApi.Responses => ResponsesReader.Read(root),
        WireApi.GenerateContent => GenerateContentReader.Read(root),
        _ => ChatCompletionsReader.Read(root),
    };

    /// <summary>
    /// count_tokens for a target that has no counting endpoint: an estimate from the request's size (about four bytes
    /// of JSON per token), which is what a client needs to decide whether to compact.
    /// </summary>
    private static async Task CountTokensLocallyAsync(HttpContext context, WireApi api, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var tokens = Math.Max(1, body.Length / 4);
        var json = api == WireApi.GenerateContent ? $"{{\"totalTokens\":{tokens}}}" : $"{{\"input_tokens\":{tokens}}}";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }

    private async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > options.MaxBodyBytes)
        {
            throw TooLarge();
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and var length ? (int)length : 4096);
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > options.MaxBodyBytes)
            {
                throw TooLarge();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private ClientRequestException TooLarge() =>
        new(null, $"The request body is larger than {options.MaxBodyBytes / (1024 * 1024)} MB (MAESTRO_GATEWAY_MAX_BODY_MB).", 413);

    private void Record(GatewayCaller caller, WireApi api, Attempted attempted, long started)
    {
        var details = attempted.Usage;
        long input = details?.InputTokenCount ?? 0, output = details?.OutputTokenCount ?? 0, cached = details?.CachedInputTokenCount ?? 0;
        var target = attempted.Target;
        // Priced as the target's provider sells the model: the same id can cost differently elsewhere (or be free).
        var cost = details is null || attempted.Model is null || target is null
            ? null
            : prices.Cost(target.Auth.Provider, attempted.Model, UsageCounts.From(details));
        keyLimits.AddTokens(caller.Key, input + output);
        usage.Record(new GatewayUsageRecord(
            caller.Key.Id,
            time.GetUtcNow(),
            ApiName(api),
            attempted.Route,
            target?.Auth.Id,
            target?.Auth.Ref.ToString(),
            target?.Auth.Provider,
            attempted.Model ?? target?.Model,
            attempted.Status,
            input,
            output,
            cached,
            details?.ReasoningTokenCount ?? 0,
            cost,
            (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds,
            attempted.Attempts));
    }

    public static string ApiName(WireApi api) => api switch
    {
        WireApi.Messages => "messages",
        WireApi.Responses => "responses",
        WireApi.GenerateContent => "generate_content",
        _ => "chat_completions",
    };

    /// <summary>What the request came to, for its usage record.</summary>
    private sealed class Attempted
    {
        public int Status { get; set; } = 500;

        public string? Route { get; set; }

        public Target? Target { get; set; }

        public string? Model { get; set; }

        public UsageDetails? Usage { get; set; }

        public int Attempts { get; set; }
    }
}
