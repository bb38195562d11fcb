namespace Maestro.Emulator.OAuth.State;

/// <summary>How the emulated authorization servers behave; set by tests through <see cref="EmulatedAuthorizationServer"/>.</summary>
internal sealed class AuthorizationSettings
{
    public bool DenyConsent { get; set; }

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DeviceCodeLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public int DevicePollIntervalSeconds { get; set; } = 5;

    public TimeSpan TokenDelay { get; set; }

    public bool ApiKeyExchangeFails { get; set; }

    public EmulatedUser User { get; set; } = new();
}
