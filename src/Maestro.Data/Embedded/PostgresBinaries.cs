using System.Text.RegularExpressions;
using Maestro.Core.Errors;

namespace Maestro.Data.Embedded;

/// <summary>The PostgreSQL server programs (initdb, pg_ctl, postgres) of version 14 or newer.</summary>
public sealed partial record PostgresBinaries(string BinDirectory, int MajorVersion)
{
    public const int MinimumMajorVersion = 14;

    public string InitDb => Path.Combine(BinDirectory, "initdb");

    public string PgCtl => Path.Combine(BinDirectory, "pg_ctl");

    public string Postgres => Path.Combine(BinDirectory, "postgres");

    /// <summary>
    /// Looks in <paramref name="explicitDirectory"/> (MAESTRO_PG_BIN), then on PATH, then under /usr/lib/postgresql/*/bin
    /// (Debian's layout), and takes the newest version found.
    /// </summary>
    public static async Task<PostgresBinaries> LocateAsync(string? explicitDirectory, string? pathVariable, CancellationToken cancellationToken)
    {
        var candidates = new List<string>();
        if (!string.IsNullOrWhiteSpace(explicitDirectory))
        {
            candidates.Add(explicitDirectory);
        }
        else
        {
            foreach (var dir in (pathVariable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                var pgCtl = Path.Combine(dir, "pg_ctl");
                if (File.Exists(pgCtl))
                {
                    // Debian links /usr/local/bin/pg_ctl into /usr/lib/postgresql/N/bin; follow it to find initdb beside it.
                    var target = new FileInfo(pgCtl).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? pgCtl;
                    candidates.Add(Path.GetDirectoryName(target)!);
                }
            }

            if (Directory.Exists("/usr/lib/postgresql"))
            {
                candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")));
            }
        }

        PostgresBinaries? best = null;
        string? tooOld = null;
        foreach (var dir in candidates.Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(dir, "initdb")) || !File.Exists(Path.Combine(dir, "pg_ctl")) || !File.Exists(Path.Combine(dir, "postgres")))
            {
                continue;
            }

            var version = await ReadMajorVersionAsync(Path.Combine(dir, "postgres"), cancellationToken);
            if (version < MinimumMajorVersion)
            {
                tooOld = $"{dir} (version {version})";
                continue;
            }

            if (best is null || version > best.MajorVersion)
            {
                best = new PostgresBinaries(dir, version);
            }
        }

        return best ?? throw new MaestroException(
            tooOld is not null
                ? $"The PostgreSQL server found at {tooOld} is older than {MinimumMajorVersion}."
                : !string.IsNullOrWhiteSpace(explicitDirectory)
                    ? $"MAESTRO_PG_BIN '{explicitDirectory}' does not contain initdb, pg_ctl and postgres."
                    : "PostgreSQL server programs (initdb, pg_ctl, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin.",
            "Install PostgreSQL 14 or newer (Debian/Ubuntu: apt-get install postgresql), set MAESTRO_PG_BIN to its bin folder, or set DATABASE_URL to use an existing server.");
    }

    private static async Task<int> ReadMajorVersionAsync(string postgres, CancellationToken cancellationToken)
    {
        var result = await ProcessRunner.RunAsync(postgres, ["--version"], TimeSpan.FromSeconds(10), cancellationToken);
        var match = VersionPattern().Match(result.Output);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    [GeneratedRegex(@"\(PostgreSQL\)\s+(\d+)")]
    private static partial Regex VersionPattern();
}
