using System.Diagnostics;
using System.Net.Sockets;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Data.Connection;
using Maestro.Data.Embedded;
using Maestro.Data.Migrations;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data;

/// <summary>
/// The one way into PostgreSQL. The first caller starts the embedded cluster (or checks DATABASE_URL), applies
/// migrations and verifies the secret key; commands that never touch the database never pay for it.
/// </summary>
public sealed class MaestroDatabase(DatabaseOptions options, ISecretProtector secrets, ILoggerFactory loggerFactory) : IAsyncDisposable
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<MaestroDatabase>();
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private NpgsqlDataSource? _connected;
    private NpgsqlDataSource? _dataSource;
    private EmbeddedCluster? _cluster;

    public DatabaseOptions Options => options;

    /// <summary>Where the data is, for `maestro db status` and /health (never includes a password).</summary>
    public string Location => options.IsEmbedded
        ? _cluster?.DataDirectory ?? Path.Combine(options.Home, "postgres")
        : DatabaseUrl.Describe(DatabaseUrl.Parse(options.DatabaseUrl!));

    /// <exception cref="BusyException">Every pooled connection stayed busy for the pool's timeout: try again later.</exception>
    public async ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var dataSource = _dataSource ?? await StartAsync(cancellationToken);
        try
        {
            return await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException ex) when (ex.InnerException is TimeoutException && ex.Message.Contains("pool", StringComparison.OrdinalIgnoreCase))
        {
            // Saturation, not a fault: the caller gets a retryable "busy" (HTTP 429) instead of an error.
            throw new BusyException(
                "The database is busy: every connection Maestro may open stayed in use.", TimeSpan.FromSeconds(2),
                "Try again in a moment, or raise MAESTRO_DB_POOL_SIZE if the database has room for more connections.");
        }
    }

    public async ValueTask<NpgsqlDataSource> GetDataSourceAsync(CancellationToken cancellationToken) =>
        _dataSource ?? await StartAsync(cancellationToken);

    /// <summary>
    /// The database as it is: started (embedded) or reached (DATABASE_URL), but neither migrated nor checked against the
    /// secret key. For the commands that inspect or replace the schema itself: `migrate`, `restore`.
    /// </summary>
    public async ValueTask<NpgsqlDataSource> GetUnmigratedDataSourceAsync(CancellationToken cancellationToken)
    {
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            return _dataSource ?? await ConnectAsync(cancellationToken);
        }
        finally
        {
            _startLock.Release();
        }
    }

    public async Task<DatabaseHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            await using var connection = await OpenConnectionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT max(version) FROM schema_migrations", connection);
            var schema = await command.ExecuteScalarAsync(cancellationToken) as int? ?? 0;
            return new DatabaseHealth("ok", options.IsEmbedded ? "embedded" : "external", Location,
                connection.PostgreSqlVersion.ToString(), schema, watch.Elapsed.TotalMilliseconds, null);
        }
        catch (Exception ex) when (ex is MaestroException or NpgsqlException or TimeoutException)
        {
            return new DatabaseHealth("error", options.IsEmbedded ? "embedded" : "external", SafeLocation(),
                null, null, watch.Elapsed.TotalMilliseconds, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connected is not null)
        {
            // Close pooled connections first so the cluster lease sees only other processes' clients.
            await _connected.DisposeAsync();
            _connected = null;
            _dataSource = null;
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
            _cluster = null;
        }

        _startLock.Dispose();
    }

    private async Task<NpgsqlDataSource> StartAsync(CancellationToken cancellationToken)
    {
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (_dataSource is not null)
            {
                return _dataSource;
            }

            var dataSource = await ConnectAsync(cancellationToken);
            try
            {
                await Migrator.MigrateAsync(dataSource, _logger, cancellationToken, apply: options.AutoMigrate);
                await SecretKeyCheck.VerifyAsync(dataSource, secrets, cancellationToken);
                await Mcp.McpDefinitionUpgrade.RunAsync(dataSource, secrets, _logger, cancellationToken);
            }
            catch (NpgsqlException ex)
            {
                throw Explain(ex);
            }

            _dataSource = dataSource;
            return dataSource;
        }
        finally
        {
            _startLock.Release();
        }
    }

    /// <summary>Starts the embedded cluster (or checks DATABASE_URL) and opens one connection to prove it works.</summary>
    private async Task<NpgsqlDataSource> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connected is not null)
        {
            return _connected;
        }

        var connectionString = options.IsEmbedded
            ? await StartEmbeddedAsync(cancellationToken)
            : DatabaseUrl.Parse(options.DatabaseUrl!).ConnectionString;

        var builder = new NpgsqlDataSourceBuilder(connectionString) { Name = "maestro" }.UseLoggerFactory(loggerFactory);
        builder.ConnectionStringBuilder.MaxPoolSize = options.MaxPoolSize;
        if (options.AutoPrepare)
        {
            // The hot statements (turn starts, session creates, the write-behind batches) are few and run per request:
            // prepared once per connection, the server skips their parse and plan every time after.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        var dataSource = builder.Build();
        try
        {
            await using var probe = await dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            await dataSource.DisposeAsync();
            throw Explain(ex);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        _connected = dataSource;
        return dataSource;
    }

    private async Task<string> StartEmbeddedAsync(CancellationToken cancellationToken)
    {
        new Core.Configuration.MaestroHome(options.Home).EnsureWritable();
        _cluster = await EmbeddedCluster.StartAsync(
            new EmbeddedPostgresOptions
            {
                Home = options.Home,
                BinDirectory = options.PostgresBinDirectory,
                RunAsUser = options.PostgresUser,
                Durable = options.Durable,
            },
            _logger,
            cancellationToken);
        return await _cluster.EnsureDatabaseAsync(options.EmbeddedDatabaseName, cancellationToken);
    }

    private MaestroException Explain(NpgsqlException ex)
    {
        var where = SafeLocation();
        return ex switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                new MaestroException($"PostgreSQL at {where} rejected the login: {ex.Message}", "Check the user and password in DATABASE_URL."),
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                new MaestroException($"The database in DATABASE_URL does not exist on {where}.", "Create it (createdb NAME) or name an existing one."),
            PostgresException pg =>
                new MaestroException($"PostgreSQL at {where} refused to set up Maestro's schema: {pg.MessageText}", inner: ex),
            _ when ex.InnerException is SocketException or TimeoutException || ex.InnerException?.InnerException is SocketException =>
                new MaestroException($"Cannot reach PostgreSQL at {where}: {(ex.InnerException?.Message ?? ex.Message)}.",
                    options.IsEmbedded ? "The embedded server stopped unexpectedly; run the command again." : "Check DATABASE_URL and that the server is running and reachable."),
            _ => new MaestroException($"PostgreSQL at {where} failed: {ex.Message}", inner: ex),
        };
    }

    private string SafeLocation()
    {
        try
        {
            return Location;
        }
        catch (MaestroException)
        {
            return "DATABASE_URL";
        }
    }
}

/// <summary>The database part of /health.</summary>
public sealed record DatabaseHealth(
    string Status, string Mode, string Location, string? ServerVersion, int? SchemaVersion, double LatencyMs, string? Error);
