using System.Text;
using System.Text.Json;

namespace Maestro.Emulator;

/// <summary>
/// A request a provider endpoint received, kept so tests can assert what reached the wire.
/// <see cref="Body"/> is the body exactly as received; credential header values are redacted.
/// </summary>
public sealed record RecordedRequest
{
    public required DateTimeOffset Time { get; init; }

    public required string Method { get; init; }

    /// <summary>Path and query string (a <c>key=</c> query value is redacted).</summary>
    public required string Path { get; init; }

    /// <summary><c>anthropic</c>, <c>openai</c> or <c>gemini</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The model as requested (body <c>model</c>, or the Gemini path), when there is one.</summary>
    public string? Model { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The protocol it came over: <c>HTTP/1.1</c>, or <c>HTTP/2</c> from an emulator started with <c>--http2</c>.</summary>
    public string Protocol { get; init; } = "HTTP/1.1";

    /// <summary>The server's id for the connection it came on: requests that share one share this.</summary>
    public string Connection { get; init; } = "";

    /// <summary>The raw body bytes; empty for requests without a body.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The body as UTF-8 text, exactly as received.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonElement? Json
    {
        get
        {
            if (Body.IsEmpty)
            {
                return null;
            }

            try
            {
                using var document = JsonDocument.Parse(Body);
                return document.RootElement.Clone();
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Internal: the full credential the request presented, used to filter by key and never rendered.</summary>
    internal string? Credential { get; init; }
}
