using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace Maestro.Cli.Commands;

/// <summary>
/// Opens the sign-in page in the user's browser, only when there is one: a graphical session (DISPLAY or
/// WAYLAND_DISPLAY) and <c>xdg-open</c> on PATH. Otherwise the URL printed on the terminal is the way.
/// </summary>
public static class AuthLoginBrowser
{
    public static bool Available(IConfiguration configuration) =>
        (!string.IsNullOrEmpty(configuration["DISPLAY"]) || !string.IsNullOrEmpty(configuration["WAYLAND_DISPLAY"])) &&
        FindOnPath(configuration["PATH"], "xdg-open") is not null;

    /// <summary>Starts xdg-open and does not wait for the browser; false when it could not be started.</summary>
    public static bool TryOpen(IConfiguration configuration, Uri url)
    {
        if (FindOnPath(configuration["PATH"], "xdg-open") is not { } opener)
        {
            return false;
        }

        try
        {
            var start = new ProcessStartInfo(opener)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add(url.AbsoluteUri);
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string? FindOnPath(string? path, string name)
    {
        foreach (var folder in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
