namespace Maestro.Core.OAuth;

/// <summary>
/// The secret half of a login: the CSRF state, the PKCE verifier and the device handle. Stored only encrypted.
/// </summary>
/// <param name="DeviceHandle">Whatever the provider needs to poll a device login (opaque to Core).</param>
public sealed record OAuthFlowSecrets(string State, string? CodeVerifier, string? DeviceHandle)
{
    // Records print their members; these must never reach a log line.
    public override string ToString() => "OAuthFlowSecrets { <redacted> }";
}
