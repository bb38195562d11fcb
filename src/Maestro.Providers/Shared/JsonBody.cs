using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Maestro.Providers.Shared;

/// <summary>Writes a request body with Utf8JsonWriter into one buffer and sends it without another copy.</summary>
public static class JsonBody
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    public static HttpContent Create(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var content = new ReadOnlyMemoryContent(buffer.WrittenMemory);
        content.Headers.ContentType = JsonType;
        return content;
    }
}
