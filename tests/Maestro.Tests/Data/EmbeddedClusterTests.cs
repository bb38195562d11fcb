using Maestro.Core.Errors;
using Maestro.Data.Embedded;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Maestro.Tests.Data;

/// <summary>The embedded cluster's life cycle, each test in a fresh $MAESTRO_HOME.</summary>
public sealed class EmbeddedClusterTests
{
    [Fact]
    public async Task Creates_starts_serves_and_stops_when_the_last_user_leaves()
    {
        var home = TestHome.Create("cluster-life");
        try
        {
            string dataDirectory;
            await using (var cluster = await EmbeddedCluster.StartAsync(Options(home), NullLogger.Instance, CancellationToken.None))
            {
                dataDirectory = cluster.DataDirectory;
                var cs = await cluster.EnsureDatabaseAsync("maestro", CancellationToken.None);
                await using var connection = new NpgsqlConnection(cs + ";Pooling=false");
                await connection.OpenAsync();
                File.Exists(Path.Combine(dataDirectory, "postmaster.pid")).ShouldBeTrue();
            }

            File.Exists(Path.Combine(dataDirectory, "postmaster.pid")).ShouldBeFalse("the last lease holder stops the server");
            File.Exists(Path.Combine(dataDirectory, "PG_VERSION")).ShouldBeTrue();
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task A_second_user_keeps_the_server_running_until_it_leaves()
    {
        var home = TestHome.Create("cluster-two");
        try
        {
            var first = await EmbeddedCluster.StartAsync(Options(home), NullLogger.Instance, CancellationToken.None);
            await using var second = await EmbeddedCluster.StartAsync(Options(home), NullLogger.Instance, CancellationToken.None);
            await first.DisposeAsync();

            File.Exists(Path.Combine(second.DataDirectory, "postmaster.pid")).ShouldBeTrue();
            await using var connection = new NpgsqlConnection(second.ConnectionString("postgres") + ";Pooling=false");
            await connection.OpenAsync();
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task A_stale_pid_file_left_by_a_crash_is_recovered()
    {
        var home = TestHome.Create("cluster-stale");
        try
        {
            string dataDirectory;
            await using (var cluster = await EmbeddedCluster.StartAsync(Options(home), NullLogger.Instance, CancellationToken.None))
            {
                dataDirectory = cluster.DataDirectory;
            }

            // What a killed server leaves behind: a pid file naming a process that no longer exists.
            await File.WriteAllTextAsync(Path.Combine(dataDirectory, "postmaster.pid"),
                $"999999\n{dataDirectory}\n1700000000\n5432\n{dataDirectory}\n\n  5432001  0\nready   \n");

            await using var recovered = await EmbeddedCluster.StartAsync(Options(home), NullLogger.Instance, CancellationToken.None);
            await using var connection = new NpgsqlConnection(recovered.ConnectionString("postgres") + ";Pooling=false");
            await connection.OpenAsync();
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public async Task Missing_server_binaries_give_a_clear_error()
    {
        var options = new EmbeddedPostgresOptions { Home = "/tmp/unused", BinDirectory = "/nonexistent/pg/bin" };

        var error = await Should.ThrowAsync<MaestroException>(() => EmbeddedCluster.StartAsync(options, NullLogger.Instance, CancellationToken.None));

        error.Message.ShouldContain("MAESTRO_PG_BIN");
        error.Hint!.ShouldContain("apt-get install postgresql");
    }

    [Fact]
    public void An_unwritable_home_is_a_one_line_error()
    {
        var error = Should.Throw<MaestroException>(() => new Maestro.Core.Configuration.MaestroHome("/proc/maestro-home").EnsureWritable());
        error.Message.ShouldContain("MAESTRO_HOME '/proc/maestro-home' is not writable");
    }

    private static EmbeddedPostgresOptions Options(string home) => new() { Home = home, Durable = false };
}
