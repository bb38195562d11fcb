using Maestro.Data.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

[assembly: AssemblyFixture(typeof(Maestro.Tests.Infrastructure.PostgresFixture))]

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// One throwaway embedded PostgreSQL cluster for the whole test run (the product's own embedded mechanism, without
/// fsync). Each test class gets its own database in it, so classes run in parallel without sharing rows.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private EmbeddedCluster? _cluster;
    private int _databases;

    public string Home { get; } = TestHome.Create("cluster");

    public EmbeddedCluster Cluster => _cluster ?? throw new InvalidOperationException("The test cluster is not started.");

    public async ValueTask InitializeAsync()
    {
        _cluster = await EmbeddedCluster.StartAsync(
            new EmbeddedPostgresOptions { Home = Home, Durable = false },
            NullLogger.Instance,
            CancellationToken.None);
    }

    /// <summary>A new empty database; returns its Npgsql connection string.</summary>
    public Task<string> CreateDatabaseAsync(string prefix)
    {
        var name = $"t_{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray())}_{Interlocked.Increment(ref _databases)}_{Environment.ProcessId}";
        return Cluster.EnsureDatabaseAsync(name, CancellationToken.None);
    }

    public async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        TestHome.Delete(Home);
    }
}
