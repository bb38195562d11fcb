namespace Maestro.Core.Access;

/// <summary>How a browser session was started.</summary>
public enum SignInMethod
{
    /// <summary>The access token, typed into the sign-in form.</summary>
    Token,

    /// <summary>The password set with <c>maestro access password</c>.</summary>
    Password,

    /// <summary>A one-time sign-in link (<c>maestro serve</c>, <c>maestro access link</c>).</summary>
    Link,
}

public static class SignInMethodExtensions
{
    public static string ToWire(this SignInMethod method) => method switch
    {
        SignInMethod.Token => "token",
        SignInMethod.Password => "password",
        _ => "link",
    };

    public static SignInMethod ParseSignInMethod(string wire) => wire switch
    {
        "token" => SignInMethod.Token,
        "password" => SignInMethod.Password,
        _ => SignInMethod.Link,
    };
}
