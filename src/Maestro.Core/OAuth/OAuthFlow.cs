namespace Maestro.Core.OAuth;

/// <summary>
/// One login in progress (or finished), without its secrets: what a UI shows while the user signs in. Stored, so a
/// login started on one Maestro instance can be completed with a pasted code on another.
/// </summary>
/// <param name="AuthorizationUrl">The page the user opens (callback and paste logins).</param>
/// <param name="RedirectUri">Where the provider sends the browser back to.</param>
/// <param name="UserCode">The code the user types at <paramref name="VerificationUrl"/> (device logins).</param>
/// <param name="PollInterval">How often the device login asks the provider whether the user approved.</param>
/// <param name="Message">The latest progress or error, in words a user understands.</param>
/// <param name="AuthId">The auth the login created or renewed, once completed.</param>
public sealed record OAuthFlow(
    Guid Id,
    string Provider,
    string AuthName,
    OAuthLoginMethod Method,
    OAuthFlowStatus Status,
    OAuthLoginOptions Options,
    Uri? AuthorizationUrl,
    Uri? RedirectUri,
    string? UserCode,
    Uri? VerificationUrl,
    TimeSpan? PollInterval,
    string? Message,
    Guid? AuthId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>"openai/work".</summary>
    public string AuthLabel => $"{Provider}/{AuthName}";
}
