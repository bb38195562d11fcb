using System.Runtime.CompilerServices;
using System.Text.Json;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Http;
using Microsoft.Extensions.AI;

namespace Maestro.Providers.Shared;

/// <summary>
/// Turns a provider's SSE body into normalized updates. A provider supplies <see cref="OnEvent"/> (one SSE event in,
/// at most one update out, parsed straight from the UTF-8 bytes) and says when the provider's completion event has
/// arrived. This driver owns what every provider shares: a stream that breaks, stalls, carries a malformed event or
/// ends without the completion event ends with one transport <see cref="ErrorContent"/>, never as a success.
/// </summary>
public abstract class SseChatStream
{
    /// <summary>The provider's completion event (message_stop, response.completed, [DONE], a finishReason) was seen.</summary>
    protected bool Completed { get; set; }

    /// <summary>An error the provider reported inside the stream; the driver yields it and stops.</summary>
    protected ProviderException? StreamError { get; set; }

    // Whether updates carry a copy of their event (ProviderRuntimeOptions.KeepRawEvents), set when a read starts.
    private bool _keepRaw;

    /// <summary>The update's <c>RawRepresentation</c>: a copy of the event when asked for, else nothing (no copy per token).</summary>
    protected RawProviderEvent? Raw(string? eventType, ReadOnlySpan<byte> data) => _keepRaw ? new RawProviderEvent(eventType, data.ToArray()) : null;

    /// <summary>Parses one event. Return null when the event carries nothing for the caller (pings, bookkeeping).</summary>
    protected abstract ChatResponseUpdate? OnEvent(string eventType, ReadOnlySpan<byte> data);

    /// <summary>Called when the body ended after the completion event: a last update to flush (e.g. usage), or null.</summary>
    protected virtual ChatResponseUpdate? OnCompleted() => null;

    public async IAsyncEnumerable<ChatResponseUpdate> ReadAsync(
        Stream body, ProviderConnection connection, string? model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _keepRaw = connection.Runtime.Options.KeepRawEvents;
        using var events = new SseEventReader();
        ProviderException? failure = null;
        while (true)
        {
            ChatResponseUpdate? update;
            try
            {
                if (!events.TryRead())
                {
                    if (events.Ended)
                    {
                        break;
                    }

                    events.Filled(await body.ReadAsync(events.Space(), cancellationToken));
                    continue;
                }

                update = OnEvent(events.EventType, events.Data);
            }
            catch (JsonException ex)
            {
                failure = connection.StreamFailure(model, new InvalidDataException($"a stream event was not valid JSON ({ex.Message})", ex));
                break;
            }
            catch (Exception ex) when (ex is IOException or TimeoutException or HttpRequestException or InvalidDataException ||
                                       (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failure = connection.StreamFailure(model, ex);
                break;
            }

            if (update is not null)
            {
                yield return update;
            }

            if (StreamError is not null)
            {
                failure = StreamError;
                break;
            }
        }

        if (failure is null && !Completed)
        {
            failure = ProviderErrors.Truncated(connection.Context(model));
        }

        if (failure is not null)
        {
            yield return ErrorUpdate(failure);
            yield break;
        }

        if (OnCompleted() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The normalized error update: ErrorCode is the kind's wire name, RawRepresentation the exception.</summary>
    public static ChatResponseUpdate ErrorUpdate(ProviderException error) => new()
    {
        Role = ChatRole.Assistant,
        Contents = [new ErrorContent(error.Message) { ErrorCode = error.Kind.ToWire(), Details = error.ProviderMessage, RawRepresentation = error }],
        RawRepresentation = error,
    };
}
