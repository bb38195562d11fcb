using System.Text.Json;
using Maestro.Emulator.Scenarios;
using Maestro.Emulator.Sse;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Hosting;

/// <summary>
/// The one path every chat request takes, whatever the provider: read and record the request, check the credential,
/// choose the scenario, then answer with an error, a replayed recording, or a rendered plan (streamed or whole).
/// </summary>
internal sealed class ChatEndpointHandler(EmulatorServices services)
{
    public async Task HandleAsync(HttpContext context, ChatEndpoint endpoint)
    {
        var notes = RequestNotes.Of(context);
        var body = await RequestRecorder.ReadBodyAsync(context.Request, context.RequestAborted);
        using var document = TryParse(body);
        var root = document?.RootElement;

        var auth = endpoint.Auth.Authenticate(context.Request);
        ChatRequest? request = null;
        string? readError = null;
        if (auth.Error is null && root is { ValueKind: JsonValueKind.Object } json)
        {
            request = endpoint.Reader.Read(context, body, json, auth.Credential, out readError);
        }

        notes.Model = request?.Model ?? endpoint.Reader.PeekModel(context, root);
        services.Recorder.Record(context, endpoint.Provider, auth.Credential, notes.Model, body);

        if (auth.Error is { } authError)
        {
            notes.Scenario = "auth";
            await authError.WriteAsync(context);
            return;
        }

        if (request is null)
        {
            notes.Scenario = "invalid-request";
            var message = root is { ValueKind: JsonValueKind.Object } ? readError! : "The request body is not a valid JSON object.";
            await endpoint.Errors.InvalidRequest(message).WriteAsync(context);
            return;
        }

        if (endpoint.Quota is { } reporter)
        {
            var quota = services.Quotas.For(auth.Credential);
            var now = services.Time.GetUtcNow();
            reporter.WriteHeaders(context, quota, now);
            if (quota.Exhausted)
            {
                notes.Scenario = "quota-exhausted";
                await reporter.Exhausted(context, quota, now, request.Model).WriteAsync(context);
                return;
            }
        }

        var scenario = services.Resolver.Resolve(request, endpoint.Catalog);
        notes.Scenario = scenario.Label;
        switch (scenario)
        {
            case Scenario.Failure failure:
                await endpoint.Errors.Fault(failure.Fault, failure.RetryAfterSeconds, request.Model).WriteAsync(context);
                break;
            case Scenario.UnknownModel unknown:
                await endpoint.Errors.ModelNotFound(unknown.Model).WriteAsync(context);
                break;
            case Scenario.Invalid invalid:
                await endpoint.Errors.InvalidRequest(invalid.Message).WriteAsync(context);
                break;
            case Scenario.Replay replay:
                await ReplayAsync(context, endpoint, request, replay);
                break;
            case Scenario.Answer answer:
                await AnswerAsync(context, endpoint, request, answer);
                break;
        }
    }

    private async Task ReplayAsync(HttpContext context, ChatEndpoint endpoint, ChatRequest request, Scenario.Replay replay)
    {
        if (!services.Fixtures.TryGet(endpoint.FixtureFolder, replay.FixtureName, out var recording))
        {
            var known = string.Join(", ", services.Fixtures.Names(endpoint.FixtureFolder));
            await endpoint.Errors.InvalidRequest($"No fixture '{replay.FixtureName}' in {endpoint.FixtureFolder}. Known: {known}.").WriteAsync(context);
            return;
        }

        if (!request.Stream)
        {
            await endpoint.Errors.InvalidRequest($"{request.Model} replays a recorded stream; send a streaming request.").WriteAsync(context);
            return;
        }

        StartStream(context, endpoint.StreamContentType);
        var writer = new SseStreamWriter(context, SseFraming.EventAndData, new StreamPacer(replay.EventsPerSecond, services.Time), null, services.Time);
        await writer.WriteAllAsync(FixtureLibrary.Events(recording).Select(WireEvent.Framed), services.Stopping);
    }

    private async Task AnswerAsync(HttpContext context, ChatEndpoint endpoint, ChatRequest request, Scenario.Answer answer)
    {
        var model = endpoint.Catalog.TryResolve(request.Model, out var listed)
            ? listed
            : new CatalogModel(request.Model, Thinks: request.WantsReasoning || answer.Plan.HasReasoning);
        var input = new RenderInput(request, model.WireName, model.Thinks, services.Time.GetUtcNow());

        if (!request.Stream)
        {
            var complete = endpoint.Renderer.Complete(answer.Plan, input);
            await JsonBodyWriter.WriteAsync(context, complete, endpoint.JsonContentType, answer.StreamFault, services.Time, services.Stopping);
            return;
        }

        var framing = endpoint.Renderer.Framing(context.Request);
        StartStream(context, framing == SseFraming.JsonArray ? endpoint.JsonContentType : endpoint.StreamContentType);
        var pacer = answer.Hold is { } gate
            ? new StreamPacer(answer.TokensPerSecond, services.Time, cancellationToken => services.Holds.WaitAsync(gate, cancellationToken), answer.HoldAfterTokens)
            : new StreamPacer(answer.TokensPerSecond, services.Time);
        var writer = new SseStreamWriter(context, framing, pacer, answer.StreamFault, services.Time);
        await writer.WriteAllAsync(endpoint.Renderer.Stream(answer.Plan, input), services.Stopping);
    }

    private static void StartStream(HttpContext context, string contentType)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "no-cache";
    }

    private static JsonDocument? TryParse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
