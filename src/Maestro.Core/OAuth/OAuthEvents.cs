using Maestro.Core.Auths;
using Maestro.Core.Events;

namespace Maestro.Core.OAuth;

/// <summary>
/// Tells every viewer (this process, and other instances through the event bridge) that a login progressed or an auth's
/// OAuth state changed. Events carry <c>SessionId = Guid.Empty</c>: subscribe to that id to follow them.
/// </summary>
public sealed class OAuthEvents(SessionEventHub hub)
{
    public const string FlowChanged = "oauth_flow";
    public const string AuthChanged = "auth_changed";

    public void Flow(OAuthFlow flow, string message) => hub.Publish(new SessionEvent
    {
        SessionId = Guid.Empty,
        Type = FlowChanged,
        Notice = new OAuthFlowNotice(flow.Id, flow.AuthLabel, flow.Method.ToWire(), flow.Status.ToWire(), message).ToJson(),
    });

    public void Auth(AuthRecord auth, string change, string message) => Auth(auth.Ref, auth.Status, change, message, auth.ExpiresAt);

    public void Auth(AuthRef auth, AuthStatus status, string change, string message, DateTimeOffset? expiresAt) => hub.Publish(new SessionEvent
    {
        SessionId = Guid.Empty,
        Type = AuthChanged,
        Notice = new AuthChangedNotice(auth.ToString(), status.ToWire(), change, message, expiresAt).ToJson(),
    });
}
