namespace Maestro.Core.OAuth.Logins;

/// <summary>A start request that passed its checks: the provider's login, the method and the normalized options.</summary>
/// <param name="ProviderId">The provider id as requested (the flow's and the auth's provider).</param>
public sealed record OAuthLoginPlan(
    string ProviderId, string AuthName, IOAuthProvider Provider, OAuthLoginMethod Method, OAuthLoginOptions Options);
