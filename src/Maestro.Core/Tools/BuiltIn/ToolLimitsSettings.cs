using Maestro.Core.Configuration;
using Microsoft.Extensions.Configuration;

namespace Maestro.Core.Tools.BuiltIn;

/// <summary>Reads <see cref="ToolLimits"/> from the settings named by their environment variables.</summary>
public static class ToolLimitsSettings
{
    public const string MaxOutput = "MAESTRO_TOOL_MAX_OUTPUT";
    public const string ShellTimeout = "MAESTRO_SHELL_TIMEOUT";
    public const string ShellMaxTimeout = "MAESTRO_SHELL_MAX_TIMEOUT";

    public static ToolLimits Read(IConfiguration configuration)
    {
        var maxTimeout = TimeSpan.FromSeconds(configuration.GetInt(ShellMaxTimeout, 600, min: 1));
        var timeout = TimeSpan.FromSeconds(configuration.GetInt(ShellTimeout, 120, min: 1));
        return new ToolLimits
        {
            // Below ~1,000 characters the head-and-tail cut leaves nothing useful.
            MaxOutputChars = configuration.GetInt(MaxOutput, 30_000, min: 1_000, max: 10_000_000),
            // A default above the maximum would be capped at every call; cap it once here.
            ShellTimeout = timeout < maxTimeout ? timeout : maxTimeout,
            MaxShellTimeout = maxTimeout,
            HttpAllowList = HttpAllowList.Parse(configuration.GetString(HttpAllowList.SettingName)),
        };
    }
}
