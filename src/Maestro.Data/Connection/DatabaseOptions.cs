namespace Maestro.Data.Connection;

/// <summary>Where the database is: an external server (DATABASE_URL) or the embedded cluster in $MAESTRO_HOME.</summary>
public sealed class DatabaseOptions
{
    /// <summary>DATABASE_URL; null selects the embedded cluster.</summary>
    public string? DatabaseUrl { get; init; }

    public required string Home { get; init; }

    /// <summary>The database name inside the embedded cluster.</summary>
    public string EmbeddedDatabaseName { get; init; } = "maestro";

    public string? PostgresBinDirectory { get; init; }

    public string? PostgresUser { get; init; }

    /// <summary>False for throwaway test clusters.</summary>
    public bool Durable { get; init; } = true;

    /// <summary>
    /// MAESTRO_AUTO_MIGRATE: apply pending migrations at start (the default). Off, a start with pending migrations is
    /// refused until someone runs `maestro migrate` on purpose.
    /// </summary>
    public bool AutoMigrate { get; init; } = true;

    /// <summary>
    /// Connections this process opens at most (MAESTRO_DB_POOL_SIZE). Running turns do not take connections of their
    /// own (one write-behind writer saves them all), so a small pool serves thousands of turns.
    /// </summary>
    public int MaxPoolSize { get; init; } = DefaultMaxPoolSize;

    public const int DefaultMaxPoolSize = 20;

    /// <summary>
    /// MAESTRO_DB_AUTO_PREPARE: statements a connection runs again and again are prepared on the server (parsed and
    /// planned once, not per request). On by default; turn it off behind a pooler that cannot carry prepared statements
    /// across transactions (PgBouncer before 1.21, or without max_prepared_statements, in transaction mode).
    /// </summary>
    public bool AutoPrepare { get; init; } = true;

    public bool IsEmbedded => string.IsNullOrWhiteSpace(DatabaseUrl);
}
