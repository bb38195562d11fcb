namespace Maestro.Emulator.OAuth.State;

/// <summary>What the user decided on the device verification page so far.</summary>
internal enum DeviceState
{
    Pending,
    Approved,
    Denied,
}
