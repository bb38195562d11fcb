using System.Text;

namespace Maestro.Core.Providers;

/// <summary>
/// What the provider sent for one stream event (the SSE event type and the data line's UTF-8 bytes), kept as the
/// <c>RawRepresentation</c> of every update so debugging tools can always see the original.
/// </summary>
public sealed class RawProviderEvent(string? eventType, ReadOnlyMemory<byte> data)
{
    public string? EventType { get; } = eventType;

    public ReadOnlyMemory<byte> Data { get; } = data;

    public string DataText => Encoding.UTF8.GetString(Data.Span);

    public override string ToString() => EventType is null ? DataText : $"{EventType}: {DataText}";
}
