namespace Maestro.Emulator.OAuth.State;

/// <summary>
/// What the emulated authorization servers issued (codes, tokens, device logins) and the token requests they answered.
/// Everything is read and changed under <see cref="Gate"/>, so a check and the change it allows are one step.
/// </summary>
internal sealed class AuthorizationState(TimeProvider time)
{
    private readonly List<RecordedTokenRequest> _requests = [];

    public Lock Gate { get; } = new();

    public Dictionary<string, IssuedCode> Codes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TokenFamily> RefreshTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IssuedAccess> AccessTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, TokenFamily> IdTokens { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DeviceGrant> Devices { get; } = new(StringComparer.Ordinal);

    /// <summary>Call under <see cref="Gate"/>.</summary>
    public void Record(OAuthDialect dialect, string endpoint, string? grantType, string? refreshToken, TokenResult result) =>
        _requests.Add(new RecordedTokenRequest(time.GetUtcNow(), dialect.Name, endpoint, grantType, refreshToken, result.Status, result.Error));

    public IReadOnlyList<RecordedTokenRequest> TokenRequests(string? provider)
    {
        lock (Gate)
        {
            return provider is null ? [.. _requests] : [.. _requests.Where(r => r.Provider == provider)];
        }
    }

    public void ClearTokenRequests()
    {
        lock (Gate)
        {
            _requests.Clear();
        }
    }
}
