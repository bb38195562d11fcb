using Npgsql;

namespace Maestro.Bench.Load;

/// <summary>
/// Watches the embedded PostgreSQL of a MAESTRO_HOME from outside: how many connections Maestro's processes hold
/// (pg_stat_activity, sampled every 100 ms) and the CPU its server processes use.
/// </summary>
public sealed class DatabaseProbe : IAsyncDisposable
{
    private const string ApplicationName = "maestro-bench-probe";
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private Task? _sampling;
    private int _peak;
    private int _windowPeak;

    private DatabaseProbe(NpgsqlConnection connection, int postmasterPid)
    {
        _connection = connection;
        PostmasterPid = postmasterPid;
    }

    public int PostmasterPid { get; }

    /// <summary>Most connections to Maestro's database seen at once, since the start.</summary>
    public int Peak => Volatile.Read(ref _peak);

    /// <summary>Most connections seen since <see cref="ResetWindow"/>.</summary>
    public int WindowPeak => Volatile.Read(ref _windowPeak);

    /// <summary>CPU time of the PostgreSQL server and all its backends so far.</summary>
    public TimeSpan Cpu => ProcStat.TreeCpu(PostmasterPid);

    public static async Task<DatabaseProbe> ConnectAsync(string home, CancellationToken cancellationToken)
    {
        var pointer = Path.Combine(home, "postgres.location");
        var dataDirectory = File.Exists(pointer) ? (await File.ReadAllTextAsync(pointer, cancellationToken)).Trim() : Path.Combine(home, "postgres");
        // postmaster.pid: line 1 the server's pid, line 5 the socket folder.
        var lines = await File.ReadAllLinesAsync(Path.Combine(dataDirectory, "postmaster.pid"), cancellationToken);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = lines[4].Trim(),
            Port = 5432,
            Username = "maestro",
            Database = "maestro",
            Pooling = false,
            ApplicationName = ApplicationName,
        }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var probe = new DatabaseProbe(connection, int.Parse(lines[0].Trim(), System.Globalization.CultureInfo.InvariantCulture));
        probe._sampling = Task.Run(() => probe.SampleAsync(probe._stop.Token), CancellationToken.None);
        return probe;
    }

    public void ResetWindow() => Volatile.Write(ref _windowPeak, 0);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_sampling is not null)
        {
            await _sampling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _connection.DisposeAsync();
        _stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = 'maestro' AND backend_type = 'client backend' AND application_name <> $1",
            _connection);
        command.Parameters.AddWithValue(ApplicationName);
        await command.PrepareAsync(cancellationToken);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await TickAsync(timer, cancellationToken))
        {
            try
            {
                var count = (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
                Raise(ref _peak, count);
                Raise(ref _windowPeak, count);
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void Raise(ref int peak, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }

    private static async Task<bool> TickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
