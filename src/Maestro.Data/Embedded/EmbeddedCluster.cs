using System.Security.Cryptography;
using System.Text;
using Maestro.Core.Errors;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Maestro.Data.Embedded;

/// <summary>
/// A private PostgreSQL cluster in $MAESTRO_HOME, created on first use and started on demand. It listens only on a
/// unix socket. Every Maestro process using it holds a lease: a shared advisory lock on one idle connection. A process
/// that leaves releases its lease and stops the server if no other lease remains, so no database is left running
/// behind the user's back; a crashed holder's lease ends with its connection.
/// </summary>
public sealed class EmbeddedCluster : IAsyncDisposable
{
    public const string SuperUser = "maestro";
    private const int Port = 5432;
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(90);

    // Advisory lock key of the lease ("maestro" lease); any constant works, it only has to be the same everywhere.
    private const long LeaseLockKey = 0x6D61657374726F01;

    private readonly EmbeddedPostgresOptions _options;
    private readonly ClusterCommands _commands;
    private readonly ILogger _logger;
    private NpgsqlConnection? _lease;

    private EmbeddedCluster(EmbeddedPostgresOptions options, ClusterCommands commands, string dataDirectory, ILogger logger)
    {
        _options = options;
        _commands = commands;
        DataDirectory = dataDirectory;
        _logger = logger;
    }

    public string DataDirectory { get; }

    public string SocketDirectory { get; private set; } = "";

    public int MajorVersion => _commands.Binaries.MajorVersion;

    public string LogFile => Path.Combine(DataDirectory, "maestro-server.log");

    /// <summary>Creates the cluster if needed, starts it if it is not running, and takes a lease on it.</summary>
    public static async Task<EmbeddedCluster> StartAsync(EmbeddedPostgresOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var binaries = await PostgresBinaries.LocateAsync(options.BinDirectory, options.PathVariable, cancellationToken);
        var commands = await ClusterCommands.CreateAsync(binaries, options.RunAsUser, cancellationToken);

        using var fileLock = await ClusterFileLock.AcquireAsync(Path.Combine(options.Home, "postgres.lock"), LockTimeout, cancellationToken);
        var dataDirectory = await ResolveDataDirectoryAsync(options.Home, commands, logger, cancellationToken);
        var cluster = new EmbeddedCluster(options, commands, dataDirectory, logger);
        await cluster.InitializeIfNeededAsync(cancellationToken);
        await cluster.StartIfNeededAsync(cancellationToken);
        await cluster.TakeLeaseAsync(cancellationToken);
        return cluster;
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = SocketDirectory,
        Port = Port,
        Username = SuperUser,
        Database = database,
        Pooling = true,
        MaxPoolSize = 50,
    }.ConnectionString;

    /// <summary>Creates the database if it does not exist yet and returns its connection string.</summary>
    public async Task<string> EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_lease is null, this);
        // Its own connection: callers may create databases concurrently, and the lease serves only as a lease.
        await using var admin = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await admin.OpenAsync(cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin))
        {
            exists.Parameters.AddWithValue(database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return ConnectionString(database);
            }
        }

        try
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another process created it first.
        }

        return ConnectionString(database);
    }

    /// <summary>Drops the lease; stops the server if no other client is connected.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_lease is null)
        {
            return;
        }

        try
        {
            using var fileLock = await ClusterFileLock.AcquireAsync(Path.Combine(_options.Home, "postgres.lock"), LockTimeout, CancellationToken.None);
            // Releasing explicitly (not by closing) makes the release synchronous: the next leaver cannot see a lease
            // whose backend is still shutting down.
            await ExecuteScalarAsync(_lease, "SELECT pg_advisory_unlock_shared($1)");
            var last = (bool)(await ExecuteScalarAsync(_lease, "SELECT pg_try_advisory_lock($1)"))!;
            await _lease.DisposeAsync();
            _lease = null;
            if (last)
            {
                var result = await _commands.RunAsync(_commands.Binaries.PgCtl, ["stop", "-D", DataDirectory, "-m", "fast", "-w", "-s"], ServerTimeout, CancellationToken.None);
                if (!result.Succeeded)
                {
                    _logger.LogWarning("Stopping the embedded PostgreSQL failed: {Message}", result.LastLine);
                }
            }
        }
        catch (Exception ex) when (ex is NpgsqlException or IOException or MaestroException or TimeoutException)
        {
            _logger.LogWarning("Leaving the embedded PostgreSQL cleanly failed: {Message}", ex.Message);
        }
        finally
        {
            if (_lease is not null)
            {
                await _lease.DisposeAsync();
                _lease = null;
            }
        }
    }

    private static async Task<object?> ExecuteScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(LeaseLockKey);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// $MAESTRO_HOME/postgres, unless the server account cannot reach it (as root, $MAESTRO_HOME is usually under
    /// /root, which only root may enter); then /var/lib/maestro/clusters/&lt;hash&gt;, remembered in postgres.location.
    /// </summary>
    private static async Task<string> ResolveDataDirectoryAsync(string home, ClusterCommands commands, ILogger logger, CancellationToken cancellationToken)
    {
        var pointer = Path.Combine(home, "postgres.location");
        if (File.Exists(pointer))
        {
            var recorded = (await File.ReadAllTextAsync(pointer, cancellationToken)).Trim();
            if (recorded.Length > 0)
            {
                await commands.PrepareDirectoryAsync(recorded, cancellationToken);
                return recorded;
            }
        }

        var preferred = Path.Combine(home, "postgres");
        await commands.PrepareDirectoryAsync(preferred, cancellationToken);
        if (await commands.CanServerAccountWriteAsync(preferred, cancellationToken))
        {
            return preferred;
        }

        if (Directory.EnumerateFileSystemEntries(preferred).Any())
        {
            throw new MaestroException(
                $"The PostgreSQL account '{commands.RunAsUser}' cannot reach {preferred}.",
                "Give it access to MAESTRO_HOME's parent folders, or choose a MAESTRO_HOME it can reach.");
        }

        Directory.Delete(preferred);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(home))).AsSpan(0, 8));
        var fallback = Path.Combine("/var/lib/maestro/clusters", hash);
        Directory.CreateDirectory("/var/lib/maestro/clusters");
        await commands.PrepareDirectoryAsync(fallback, cancellationToken);
        await File.WriteAllTextAsync(pointer, fallback + "\n", cancellationToken);
        logger.LogInformation(
            "The embedded database lives in {DataDirectory}: PostgreSQL runs as '{User}', which cannot enter {Home}.",
            fallback, commands.RunAsUser, home);
        return fallback;
    }

    private async Task InitializeIfNeededAsync(CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(DataDirectory, "PG_VERSION")))
        {
            return;
        }

        // A folder without PG_VERSION is what an interrupted initdb leaves behind; initdb needs it empty.
        foreach (var entry in Directory.EnumerateFileSystemEntries(DataDirectory))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        _logger.LogInformation("Creating the embedded PostgreSQL {Version} cluster in {DataDirectory}", MajorVersion, DataDirectory);
        List<string> args = ["-D", DataDirectory, "-U", SuperUser, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-instructions"];
        if (!_options.Durable)
        {
            args.Add("--no-sync");
        }

        var result = await _commands.RunAsync(_commands.Binaries.InitDb, args, ServerTimeout, cancellationToken);
        if (!result.Succeeded)
        {
            throw new MaestroException($"Creating the embedded PostgreSQL cluster failed: {result.LastLine}", "Check that the disk is writable and not full.");
        }

        var settings = new StringBuilder()
            .AppendLine()
            .AppendLine("# Maestro embedded cluster: unix socket only, never TCP.")
            .AppendLine("listen_addresses = ''")
            .AppendLine("unix_socket_permissions = 0700")
            .AppendLine("max_connections = 200");
        if (!_options.Durable)
        {
            settings.AppendLine("fsync = off").AppendLine("synchronous_commit = off").AppendLine("full_page_writes = off");
        }

        await File.AppendAllTextAsync(Path.Combine(DataDirectory, "postgresql.conf"), settings.ToString(), cancellationToken);
    }

    private async Task StartIfNeededAsync(CancellationToken cancellationToken)
    {
        var pidFile = PostmasterPidFile.TryRead(DataDirectory);
        if (pidFile is not null)
        {
            if (pidFile.IsLiveServer(DataDirectory))
            {
                SocketDirectory = pidFile.SocketDirectory;
                await WaitUntilAcceptingAsync(cancellationToken);
                return;
            }

            _logger.LogWarning("Recovering the embedded database after an unclean shutdown (stale postmaster.pid, PID {Pid}).", pidFile.Pid);
            File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
        }

        SocketDirectory = await ChooseSocketDirectoryAsync(cancellationToken);
        var result = await _commands.RunAsync(
            _commands.Binaries.PgCtl,
            ["start", "-D", DataDirectory, "-w", "-t", "60", "-s", "-l", LogFile, "-o", $"-c unix_socket_directories='{SocketDirectory}' -p {Port}"],
            ServerTimeout,
            cancellationToken);
        if (!result.Succeeded)
        {
            throw new MaestroException(
                $"The embedded PostgreSQL did not start: {LastLogLine() ?? result.LastLine}",
                $"See {LogFile}. If another PostgreSQL uses this folder, stop it; or set DATABASE_URL to use an existing server.");
        }

        await WaitUntilAcceptingAsync(cancellationToken);
    }

    /// <summary>The data folder when its socket path fits the 107-byte unix limit, else a private folder under /tmp.</summary>
    private async Task<string> ChooseSocketDirectoryAsync(CancellationToken cancellationToken)
    {
        if (Path.Combine(DataDirectory, $".s.PGSQL.{Port}").Length <= 100)
        {
            return DataDirectory;
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DataDirectory)).AsSpan(0, 6));
        var directory = Path.Combine(Path.GetTempPath(), $"maestro-pg-{hash}");
        await _commands.PrepareDirectoryAsync(directory, cancellationToken);
        return directory;
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ServerTimeout;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=5");
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or PostgresException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, cancellationToken);
            }
        }
    }

    private async Task TakeLeaseAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString("postgres"))
        {
            Pooling = false,
            ApplicationName = "maestro-lease",
        };
        _lease = new NpgsqlConnection(builder.ConnectionString);
        await _lease.OpenAsync(cancellationToken);
        await ExecuteScalarAsync(_lease, "SELECT pg_advisory_lock_shared($1)");
    }

    private string? LastLogLine()
    {
        try
        {
            return File.ReadLines(LogFile).LastOrDefault(l => l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("ERROR", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
