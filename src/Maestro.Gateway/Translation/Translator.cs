using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Gateway.Inbound;
using Maestro.Gateway.Outbound;
using Maestro.Gateway.Outbound.ChatCompletions;
using Maestro.Gateway.Outbound.GenerateContent;
using Maestro.Gateway.Outbound.Messages;
using Maestro.Gateway.Outbound.Responses;
using Maestro.Gateway.Pools;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Translation;

/// <summary>
/// Cross-family requests: the client's request (read into M.E.AI) goes to the auth's chat client, and the updates come
/// back rendered in the client's format as they arrive. Nothing is sent to the client before the provider's first
/// update, so a failure up to then lets the pool try its next target; after it, a failure ends the answer with the
/// client's own error event and nothing is retried.
/// </summary>
internal static class Translator
{
    public static async Task<AttemptResult> TryAsync(
        HttpContext context, Upstream.Upstream upstream, InboundRequest inbound, WireApi api, string model, bool stream, bool sse,
        JsonElement request, TimeProvider time, CancellationToken cancellationToken)
    {
        var messages = ReasoningOrigin.ForTarget(inbound.Messages, upstream.Auth.Provider, upstream.NativeApi);
        var options = inbound.Options.Clone();
        options.ModelId = model;
        await using var updates = upstream.ChatClient.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        ChatResponseUpdate first;
        try
        {
            if (!await updates.MoveNextAsync())
            {
                return AttemptResult.NotStarted(new ProviderException(ProviderErrorKind.Transport, $"{upstream.Auth.Ref} answered nothing."));
            }

            first = updates.Current;
        }
        catch (ValidationFailedException ex)
        {
            // The provider's adapter refused the request before sending it (e.g. an attachment type it cannot take).
            var field = ex.Errors.Keys.FirstOrDefault();
            throw new ClientRequestException(field, ex.Errors.Values.FirstOrDefault()?.FirstOrDefault() ?? ex.Message);
        }
        catch (ProviderException ex)
        {
            return AttemptResult.NotStarted(ex);
        }
        catch (MaestroException ex)
        {
            // The credentials could not be had (a login that needs renewing, a refresh that failed).
            return AttemptResult.NotStarted(new ProviderException(ProviderErrorKind.Authentication, ex.Message, hint: ex.Hint, inner: ex));
        }

        if (Failure(first) is { } early)
        {
            return AttemptResult.NotStarted(early);
        }

        using var output = new SseWriter(context.Response.BodyWriter, crlf: api == WireApi.GenerateContent);
        var renderer = Create(api, new AnswerContext(api, upstream.Auth.Provider, upstream.NativeApi, model, time, inbound.IncludeUsage, inbound.IncludeReasoningData, request, inbound.ShowReasoning), output, stream, sse);
        if (stream)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = renderer.ContentType;
            context.Response.Headers.CacheControl = "no-cache";
        }

        renderer.Start();
        renderer.Write(first);
        ProviderException? failure = null;
        try
        {
            if (stream)
            {
                await context.Response.BodyWriter.FlushAsync(cancellationToken);
            }

            while (await updates.MoveNextAsync())
            {
                var update = updates.Current;
                if (Failure(update) is { } error)
                {
                    failure = error;
                    break;
                }

                renderer.Write(update);
                if (stream)
                {
                    await context.Response.BodyWriter.FlushAsync(cancellationToken);
                }
            }
        }
        catch (ProviderException ex)
        {
            failure = ex;
        }

        if (failure is not null)
        {
            if (!stream)
            {
                // Nothing was written yet: the client gets a proper error response.
                await ClientErrors.WriteAsync(context, api, GatewayError.From(failure));
                return new AttemptResult(true, failure, renderer.Answer.Usage, renderer.Answer.ModelId);
            }

            renderer.Fail(failure);
        }
        else
        {
            if (!stream)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = renderer.ContentType;
            }

            renderer.Complete();
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
        return new AttemptResult(true, failure, renderer.Answer.Usage, renderer.Answer.ModelId);
    }

    private static ClientRenderer Create(WireApi api, AnswerContext context, SseWriter output, bool stream, bool sse) => api switch
    {
        WireApi.Messages => new MessagesRenderer(context, output, stream),
        WireApi.Responses => new ResponsesRenderer(context, output, stream),
        WireApi.GenerateContent => new GenerateContentRenderer(context, output, stream, sse),
        _ => new ChatCompletionsRenderer(context, output, stream),
    };

    private static ProviderException? Failure(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            if (content is ErrorContent error)
            {
                return error.RawRepresentation as ProviderException
                    ?? new ProviderException(ProviderErrorKind.Server, error.Message, error.Details);
            }
        }

        return null;
    }
}
