using Microsoft.AspNetCore.Http;

namespace Maestro.Emulator.Sse;

/// <summary>
/// Writes a complete (non-streaming) JSON answer, applying the stream faults in their one-body form:
/// disconnect sends half the body then drops the connection, malformed and truncate end cleanly after half the body
/// (invalid JSON), stall sends the headers and then nothing.
/// </summary>
internal static class JsonBodyWriter
{
    public static async Task WriteAsync(HttpContext context, byte[] body, string contentType, EmulatorFault? fault, TimeProvider time, CancellationToken stopping)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = linked.Token;
        var half = body.AsMemory(0, body.Length / 2);

        switch (fault)
        {
            case { Kind: FaultKind.Disconnect }:
                await response.Body.WriteAsync(half, cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                throw new EmulatedDisconnectException();
            case { Kind: FaultKind.Malformed or FaultKind.Truncate }:
                await response.Body.WriteAsync(half, cancellationToken);
                return;
            case { Kind: FaultKind.Stall }:
                await response.StartAsync(cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up or the emulator is stopping.
                }

                return;
            default:
                response.ContentLength = body.Length;
                await response.Body.WriteAsync(body, cancellationToken);
                return;
        }
    }
}
