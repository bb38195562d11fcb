namespace Maestro.Core.Auths;

public enum AuthType
{
    ApiKey,
    OAuth,
}

public static class AuthTypeNames
{
    public static string ToWire(this AuthType type) => type switch
    {
        AuthType.ApiKey => "api_key",
        AuthType.OAuth => "oauth",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static AuthType Parse(string value) => value switch
    {
        "api_key" => AuthType.ApiKey,
        "oauth" => AuthType.OAuth,
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "Expected api_key or oauth."),
    };
}
