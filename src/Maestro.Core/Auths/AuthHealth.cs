namespace Maestro.Core.Auths;

/// <summary>How the auth fared the last time it was used or tested.</summary>
public enum AuthHealthState
{
    /// <summary>The provider answered.</summary>
    Ok,

    /// <summary>401/403: the provider refused the key or token.</summary>
    KeyRefused,

    /// <summary>The base URL could not be reached (refused connection, unknown host, TLS failure).</summary>
    Unreachable,
}

/// <param name="Message">What the provider or the network said, for a failure.</param>
public sealed record AuthHealth(AuthHealthState State, string? Message, DateTimeOffset CheckedAt)
{
    /// <summary>As users read it: "OK", "Key refused", "Unreachable".</summary>
    public string Label => State switch
    {
        AuthHealthState.Ok => "OK",
        AuthHealthState.KeyRefused => "Key refused",
        AuthHealthState.Unreachable => "Unreachable",
        _ => State.ToString(),
    };
}

public static class AuthHealthNames
{
    public static string ToWire(this AuthHealthState state) => state switch
    {
        AuthHealthState.Ok => "ok",
        AuthHealthState.KeyRefused => "key_refused",
        AuthHealthState.Unreachable => "unreachable",
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static AuthHealthState? Parse(string? value) => value switch
    {
        "ok" => AuthHealthState.Ok,
        "key_refused" => AuthHealthState.KeyRefused,
        "unreachable" => AuthHealthState.Unreachable,
        _ => null,
    };
}
