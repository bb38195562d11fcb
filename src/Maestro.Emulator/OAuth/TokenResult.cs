namespace Maestro.Emulator.OAuth;

/// <summary>An answer of an emulated authorization endpoint: status, JSON body, and the OAuth error code if any.</summary>
internal sealed record TokenResult(int Status, byte[] Body, string? Error);
