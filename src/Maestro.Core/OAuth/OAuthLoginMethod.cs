using Maestro.Core.Errors;

namespace Maestro.Core.OAuth;

/// <summary>How the authorization code reaches Maestro.</summary>
public enum OAuthLoginMethod
{
    /// <summary>The browser is redirected to a loopback server Maestro runs; a pasted callback URL works too.</summary>
    Callback,

    /// <summary>The user copies the code (or the whole redirect URL) from the browser and pastes it.</summary>
    Paste,

    /// <summary>The user enters a short code on another device while Maestro polls (headless machines).</summary>
    Device,
}

public static class OAuthLoginMethodNames
{
    public static string ToWire(this OAuthLoginMethod method) => method switch
    {
        OAuthLoginMethod.Callback => "callback",
        OAuthLoginMethod.Paste => "paste",
        OAuthLoginMethod.Device => "device",
        _ => throw new ArgumentOutOfRangeException(nameof(method)),
    };

    public static OAuthLoginMethod Parse(string value, string field = "method") => value.Trim().ToLowerInvariant() switch
    {
        "callback" => OAuthLoginMethod.Callback,
        "paste" => OAuthLoginMethod.Paste,
        "device" => OAuthLoginMethod.Device,
        _ => throw new ValidationFailedException(field, $"'{value}' is not a login method: use callback, paste or device."),
    };
}
