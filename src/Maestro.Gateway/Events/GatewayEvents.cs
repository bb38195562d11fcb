using Maestro.Core.Events;

namespace Maestro.Gateway.Events;

/// <summary>
/// Tells the Gateway page — in this process, and in other instances through the event bridge — that keys or routes
/// changed, or that a batch of usage was written. The events go to a channel of their own (<see cref="Channel"/>), so
/// session and login viewers never see them; they carry no data, a viewer reads what it shows again.
/// </summary>
public sealed class GatewayEvents(SessionEventHub hub)
{
    /// <summary>The hub channel of gateway events (a fixed id no session can have: sessions get version-7 ids).</summary>
    public static readonly Guid Channel = new("00000000-0000-4000-8000-000067617465");

    public const string Changed = "gateway_changed";
    public const string UsageWritten = "gateway_usage";

    /// <summary>A key was created or revoked, a route added, edited or removed.</summary>
    public void KeysOrRoutesChanged() => hub.Publish(new SessionEvent { SessionId = Channel, Type = Changed });

    /// <summary>Usage records were written (at most once per flush interval, never per request).</summary>
    public void Usage() => hub.Publish(new SessionEvent { SessionId = Channel, Type = UsageWritten });
}
