using System.Globalization;
using Maestro.Core.Auths;

namespace Maestro.Core.OAuth;

/// <summary>An auth's state in words: "active (expires in 42 min)", "refreshing", "needs re-login: …".</summary>
public static class AuthStateText
{
    public static string Describe(AuthRecord auth, DateTimeOffset now) => auth.Status switch
    {
        AuthStatus.NeedsRelogin => "needs re-login" + (auth.StatusMessage is { Length: > 0 } m ? ": " + m : ""),
        AuthStatus.Refreshing => "refreshing" + (auth.StatusMessage is { Length: > 0 } m ? " (" + m + ")" : ""),
        _ when auth.Type != AuthType.OAuth => "active",
        _ when auth.ExpiresAt is not { } expires => "active",
        _ when auth.ExpiresAt <= now => "active (token expired; refreshed on next use)",
        _ => $"active (expires in {Duration(auth.ExpiresAt!.Value - now)})",
    };

    /// <summary>"42 s", "17 min", "3 h 5 min", "4 days".</summary>
    public static string Duration(TimeSpan span) => span switch
    {
        { TotalMinutes: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0, (int)span.TotalSeconds)} s"),
        { TotalHours: < 1 } => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min"),
        { TotalDays: < 2 } => span.Minutes == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h {span.Minutes} min"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays} days"),
    };
}
