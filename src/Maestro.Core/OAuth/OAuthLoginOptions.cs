namespace Maestro.Core.OAuth;

/// <summary>Choices made when a login starts.</summary>
/// <param name="Mode">The auth's flavour (metadata <c>mode</c>), e.g. a subscription backend; null = the provider's default.</param>
/// <param name="CreateApiKey">After signing in, also create an API key from the login and keep it with the auth.</param>
public sealed record OAuthLoginOptions(string? Mode = null, bool CreateApiKey = false)
{
    public static OAuthLoginOptions Default { get; } = new();
}
