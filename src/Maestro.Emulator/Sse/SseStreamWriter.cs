using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Sse;

/// <summary>
/// Writes a provider's events to the response: frames them, paces them, flushes each one (as the real providers do),
/// and applies stream faults (disconnect, malformed, stall, truncate). This is the only place those faults exist;
/// provider renderers just produce events.
/// </summary>
internal sealed class SseStreamWriter(HttpContext context, SseFraming framing, StreamPacer pacer, EmulatorFault? fault, TimeProvider time)
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();

    private int _written;

    /// <param name="stopping">Signalled when the emulator shuts down, so a stalled stream does not hold shutdown up.</param>
    public async Task WriteAllAsync(IEnumerable<WireEvent> events, CancellationToken stopping)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked.Token;
        var malformedSent = false;

        if (framing == SseFraming.JsonArray)
        {
            Write("["u8);
        }

        foreach (var wireEvent in events)
        {
            // A stream fault strikes after K events, or just before the completion event if the stream is shorter.
            var strikes = fault is { IsStatusFault: false } && (_written >= fault.EventCount || wireEvent.Completes);
            if (strikes)
            {
                switch (fault!.Kind)
                {
                    case FaultKind.Truncate:
                        await EndAsync(cancellationToken);
                        return;
                    case FaultKind.Disconnect:
                        await context.Response.BodyWriter.FlushAsync(cancellationToken);
                        throw new EmulatedDisconnectException();
                    case FaultKind.Stall:
                        await StallAsync(cancellationToken);
                        return;
                    case FaultKind.Malformed when !malformedSent:
                        malformedSent = true;
                        WriteMalformed(wireEvent);
                        break;
                }
            }

            await pacer.WaitAsync(wireEvent.Tokens, cancellationToken);
            WriteEvent(wireEvent);
            _written++;
            await context.Response.BodyWriter.FlushAsync(cancellationToken);
        }

        await EndAsync(cancellationToken);
    }

    private async Task EndAsync(CancellationToken cancellationToken)
    {
        if (framing == SseFraming.JsonArray)
        {
            Write("]"u8);
        }

        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }

    private async Task StallAsync(CancellationToken cancellationToken)
    {
        await context.Response.BodyWriter.FlushAsync(cancellationToken);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the emulator is stopping: that is how a stall ends.
        }
    }

    private void WriteEvent(WireEvent wireEvent)
    {
        if (wireEvent.IsFramed)
        {
            Write(wireEvent.Data.Span);
            return;
        }

        WriteFramed(wireEvent.Type, wireEvent.Data.Span);
    }

    /// <summary>The first half of the next event's payload: what a corrupted or cut-off data line looks like.</summary>
    private void WriteMalformed(WireEvent wireEvent)
    {
        var data = wireEvent.Data.Span;
        var half = data[..Math.Max(1, data.Length / 2)];
        WriteFramed(wireEvent.Type, half);
    }

    private void WriteFramed(string? type, ReadOnlySpan<byte> data)
    {
        switch (framing)
        {
            case SseFraming.EventAndData:
                Write(EventPrefix);
                Write(Encoding.UTF8.GetBytes(type ?? "message"));
                Write("\n"u8);
                Write(DataPrefix);
                Write(data);
                Write("\n\n"u8);
                break;
            case SseFraming.Data:
                Write(DataPrefix);
                Write(data);
                Write("\n\n"u8);
                break;
            case SseFraming.DataCrlf:
                Write(DataPrefix);
                Write(data);
                Write("\r\n\r\n"u8);
                break;
            case SseFraming.JsonArray:
                if (_written > 0)
                {
                    Write(",\r\n"u8);
                }

                Write(data);
                break;
        }
    }

    private void Write(ReadOnlySpan<byte> bytes) => context.Response.BodyWriter.Write(bytes);
}
