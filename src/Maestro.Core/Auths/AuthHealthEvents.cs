using Maestro.Core.Events;

namespace Maestro.Core.Auths;

/// <summary>
/// Tells every viewer (this process, and other instances through the event bridge) that an auth's health changed: a Test
/// ran, or a call was refused, could not connect, or succeeded again. Published with <c>SessionId = Guid.Empty</c> like
/// the OAuth events; the notice is the auth's id, and viewers read the auth as stored now.
/// </summary>
public static class AuthHealthEvents
{
    public const string Changed = "auth_health";

    public static void Publish(SessionEventHub hub, Guid authId) => hub.Publish(new SessionEvent
    {
        SessionId = Guid.Empty,
        Type = Changed,
        Notice = authId.ToString("D"),
    });

    /// <summary>The auth a <see cref="Changed"/> event is about (null for any other event).</summary>
    public static Guid? AuthOf(SessionEvent e) =>
        e.Type == Changed && Guid.TryParse(e.Notice, out var id) ? id : null;
}
