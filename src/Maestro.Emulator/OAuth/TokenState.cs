namespace Maestro.Emulator.OAuth;

/// <summary>How the emulated APIs treat a bearer token: unknown (not ours), valid, or rejected (expired or revoked).</summary>
internal enum TokenState
{
    Unknown,
    Valid,
    Rejected,
}
