namespace Maestro.Core.OAuth;

/// <summary>A device login the provider has opened: the code the user enters, and where.</summary>
/// <param name="Handle">What the provider needs to poll (secret; stored encrypted, opaque to Core).</param>
public sealed record OAuthDeviceStart(string Handle, string UserCode, Uri VerificationUrl, TimeSpan Interval, DateTimeOffset ExpiresAt)
{
    public override string ToString() => $"OAuthDeviceStart {{ UserCode = {UserCode}, VerificationUrl = {VerificationUrl} }}";
}
