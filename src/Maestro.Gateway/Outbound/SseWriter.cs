using System.Buffers;
using System.Text;
using System.Text.Json;
using Maestro.Wire;

namespace Maestro.Gateway.Outbound;

/// <summary>
/// Writes server-sent events straight into the response's buffer: the JSON of each data line is written by one reused
/// Utf8JsonWriter, so an event costs no intermediate strings or arrays.
/// </summary>
internal sealed class SseWriter(IBufferWriter<byte> output, bool crlf = false) : IDisposable
{
    private static readonly byte[] EventPrefix = "event: "u8.ToArray();
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private readonly Utf8JsonWriter _json = new(output, WireJson.Options);

    public IBufferWriter<byte> Output => output;

    /// <summary>Starts an event and returns the writer for its data line's JSON; call <see cref="End"/> after writing it.</summary>
    public Utf8JsonWriter Begin(string? type)
    {
        if (type is not null)
        {
            output.Write(EventPrefix);
            var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(type.Length));
            output.Advance(Encoding.UTF8.GetBytes(type, span));
            output.Write("\n"u8);
        }

        output.Write(DataPrefix);
        _json.Reset(output);
        return _json;
    }

    public void End()
    {
        _json.Flush();
        output.Write(crlf ? "\r\n\r\n"u8 : "\n\n"u8);
    }

    /// <summary>A JSON document without SSE framing (a whole body, or an element of a JSON-array stream).</summary>
    public Utf8JsonWriter BeginJson()
    {
        _json.Reset(output);
        return _json;
    }

    public void EndJson() => _json.Flush();

    public void Raw(ReadOnlySpan<byte> bytes) => output.Write(bytes);

    public void Dispose() => _json.Dispose();
}
