namespace Maestro.Core.OAuth;

/// <summary>A request to start a login for the auth <c>provider/name</c> (created, or renewed when it exists).</summary>
/// <param name="Method">Null: the provider's default method.</param>
public sealed record OAuthStartRequest(string Provider, string Name, OAuthLoginMethod? Method = null, OAuthLoginOptions? Options = null);
