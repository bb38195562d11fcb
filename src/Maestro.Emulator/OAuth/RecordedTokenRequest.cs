namespace Maestro.Emulator.OAuth;

/// <summary>
/// One request an emulated authorization server received, so tests can count token requests per rotation.
/// Tokens are the emulator's own (never real ones), so they are kept as presented.
/// </summary>
/// <param name="Provider"><c>openai</c>, <c>anthropic</c> or <c>google</c>.</param>
/// <param name="Endpoint"><c>token</c>, <c>device_code</c>, <c>device_token</c> or <c>api_key</c>.</param>
/// <param name="GrantType">The grant_type of a token request (authorization_code, refresh_token, the token-exchange URN).</param>
/// <param name="RefreshToken">The refresh token presented, for refresh requests.</param>
/// <param name="Error">The OAuth error answered (invalid_grant, refresh_token_reused, …), or null on success.</param>
public sealed record RecordedTokenRequest(
    DateTimeOffset Time, string Provider, string Endpoint, string? GrantType, string? RefreshToken, int Status, string? Error);
