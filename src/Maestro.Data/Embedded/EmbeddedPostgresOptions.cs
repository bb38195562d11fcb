namespace Maestro.Data.Embedded;

public sealed class EmbeddedPostgresOptions
{
    /// <summary>$MAESTRO_HOME: the cluster lives in its <c>postgres/</c> folder.</summary>
    public required string Home { get; init; }

    /// <summary>MAESTRO_PG_BIN: the folder with initdb, pg_ctl and postgres, when not found automatically.</summary>
    public string? BinDirectory { get; init; }

    /// <summary>
    /// MAESTRO_PG_USER: when Maestro runs as root, PostgreSQL (which refuses root) runs as this account.
    /// Defaults to <c>postgres</c>, which Debian's package creates.
    /// </summary>
    public string? RunAsUser { get; init; }

    /// <summary>False for throwaway test clusters: no fsync, so they start and write faster.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>The PATH to search for the server programs.</summary>
    public string? PathVariable { get; init; } = Environment.GetEnvironmentVariable("PATH");
}
