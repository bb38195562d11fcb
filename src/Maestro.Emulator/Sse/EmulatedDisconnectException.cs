namespace Maestro.Emulator.Sse;

/// <summary>
/// Thrown to end a response mid-body. Kestrel answers an exception after the response started by closing the
/// connection once the bytes already written are sent, without the chunked terminator: the client reads every event
/// written so far and then sees the body end prematurely. (<c>HttpContext.Abort()</c> would drop bytes still queued
/// for the socket, so the client could lose events, even the headers.)
/// </summary>
internal sealed class EmulatedDisconnectException : Exception
{
    public EmulatedDisconnectException()
        : base("Emulated disconnect: the connection is closed mid-response on purpose.")
    {
    }

    public EmulatedDisconnectException(string message)
        : base(message)
    {
    }

    public EmulatedDisconnectException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
