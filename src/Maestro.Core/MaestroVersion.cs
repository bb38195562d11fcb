using System.Reflection;

namespace Maestro.Core;

/// <summary>
/// This build's version and commit, from the assembly's informational version ("1.2.0-3-gabc1234+&lt;full sha&gt;"):
/// `./scripts/publish` sets the version from `git describe`, and the SDK appends the commit it was built from.
/// </summary>
public static class MaestroVersion
{
    private static readonly string Informational =
        typeof(MaestroVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>The version without the commit, e.g. "1.2.0" or "0.0.0-145-g490017f".</summary>
    public static string Version { get; } = Informational.Split('+')[0];

    /// <summary>The full commit id the build came from, or null when it was built outside git.</summary>
    public static string? Commit { get; } = Informational.Split('+') is [_, var sha, ..] && sha.Length > 0 ? sha : null;
}
