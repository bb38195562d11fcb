using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Maestro.Wire;

/// <summary>
/// Builds wire JSON; one instance per stream reuses its buffer across events (not thread-safe). Field order is written by hand to match the recordings; non-ASCII text is
/// written as UTF-8 (not \u-escaped), as the providers send it.
/// </summary>
public sealed class WireJson : IDisposable
{
    /// <summary>Compact, with non-ASCII text as UTF-8: how every provider writes its JSON.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions IndentedOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;

    /// <param name="indented">Google answers whole (non-streamed) bodies pretty-printed.</param>
    public WireJson(bool indented = false) => _writer = new Utf8JsonWriter(_buffer, indented ? IndentedOptions : Options);

    public byte[] Build(Action<Utf8JsonWriter> write)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        write(_writer);
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Builds one document with a fresh writer (for shared, concurrently used objects).</summary>
    public static byte[] Once(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var json = new WireJson(indented);
        return json.Build(write);
    }

    /// <summary>Compact JSON text of an element, as a provider would serialize arguments.</summary>
    public static string Compact(JsonElement element)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            element.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
