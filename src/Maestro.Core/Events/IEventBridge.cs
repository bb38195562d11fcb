namespace Maestro.Core.Events;

/// <summary>Carries events to other Maestro instances on the same database (PostgreSQL LISTEN/NOTIFY).</summary>
public interface IEventBridge
{
    /// <summary>Queues a local event for other instances; must not block (it is called per streamed token).</summary>
    void Forward(SessionEvent e);
}
