using System.Globalization;
using Maestro.Core.Errors;
using Microsoft.Extensions.Configuration;

namespace Maestro.Core.Configuration;

/// <summary>Reads settings by their environment-variable names, with a clear error for a malformed value.</summary>
public static class SettingReader
{
    public static string? GetString(this IConfiguration configuration, string name) =>
        configuration[name] is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>1/true/yes/on are true; 0/false/no/off (or unset) are false.</summary>
    public static bool GetFlag(this IConfiguration configuration, string name, bool defaultValue = false) =>
        configuration.GetString(name)?.ToLowerInvariant() switch
        {
            null => defaultValue,
            "1" or "true" or "yes" or "on" => true,
            "0" or "false" or "no" or "off" => false,
            var other => throw new MaestroException($"{name}='{other}' is not a yes/no value.", $"Set {name} to 1 or 0."),
        };

    public static int GetInt(this IConfiguration configuration, string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var text = configuration.GetString(name);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new MaestroException($"{name}='{text}' is not a whole number between {min} and {max}.");
        }

        return value;
    }

    public static TimeSpan GetSeconds(this IConfiguration configuration, string name, TimeSpan defaultValue) =>
        TimeSpan.FromSeconds(configuration.GetInt(name, (int)defaultValue.TotalSeconds, min: 0));

    public static Uri GetUrl(this IConfiguration configuration, string name, string defaultValue)
    {
        var text = configuration.GetString(name) ?? defaultValue;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new MaestroException($"{name}='{text}' is not an absolute http(s) URL.");
    }
}
