using System.Net.Http.Headers;
using System.Text.Json;
using Maestro.Core.Text;

namespace Maestro.Providers.Shared;

/// <summary>Writes a request body with Utf8JsonWriter into pooled scratch space and sends it at its exact size.</summary>
public static class JsonBody
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json") { CharSet = "utf-8" };

    public static HttpContent Create(Action<Utf8JsonWriter> write)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        var content = new ReadOnlyMemoryContent(buffer.ToArray());
        content.Headers.ContentType = JsonType;
        return content;
    }
}
