namespace Maestro.Emulator.OAuth.State;

/// <summary>A device login waiting for its user code to be entered and approved.</summary>
internal sealed class DeviceGrant(string id, string userCode, string clientId, DateTimeOffset expiresAt)
{
    public string Id { get; } = id;

    public string UserCode { get; } = userCode;

    public string ClientId { get; } = clientId;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public DeviceState State { get; set; }
}
