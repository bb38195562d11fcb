using Maestro.Core.Mcp;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Maestro.Tests.Mcp;

/// <summary>MCP pieces without a database, for tests of the connector, the pool and the tools.</summary>
public static class McpTestHelpers
{
    private static readonly ServiceProvider Http = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    public static McpConnector Connector(McpSettings? settings = null, ILoggerFactory? loggers = null) =>
        new(settings ?? new McpSettings { ConnectTimeout = TimeSpan.FromSeconds(30) }, Http.GetRequiredService<IHttpClientFactory>(), loggers ?? NullLoggerFactory.Instance);

    /// <summary>A connector whose SDK client is created by <paramref name="createClient"/> instead of the SDK.</summary>
    public static McpConnector Connector(McpSettings settings, Func<CancellationToken, Task<ModelContextProtocol.Client.McpClient>> createClient) =>
        new(settings, Http.GetRequiredService<IHttpClientFactory>(), NullLoggerFactory.Instance) { CreateClient = (_, _, _, ct) => createClient(ct) };

    /// <summary>A server configuration as the store would return it.</summary>
    public static McpServer Server(
        string name,
        string? command = null,
        IReadOnlyList<string>? args = null,
        string? url = null,
        McpTransport? transport = null,
        IReadOnlyDictionary<string, string>? env = null,
        IReadOnlyDictionary<string, string>? headers = null,
        int version = 1) => new(
        Guid.NewGuid(),
        name,
        transport ?? (url is null ? McpTransport.Stdio : McpTransport.Http),
        command,
        args ?? [],
        env ?? new Dictionary<string, string>(),
        null,
        url,
        headers ?? new Dictionary<string, string>(),
        Enabled: true,
        version,
        DateTimeOffset.UtcNow,
        DateTimeOffset.UtcNow);

    /// <summary>The reference server over stdio; <paramref name="marker"/> (ignored by the server) finds its process in /proc.</summary>
    public static McpServer Everything(string name = "everything", IReadOnlyDictionary<string, string>? env = null, int version = 1, string? marker = null) =>
        Server(name, "node", marker is null ? [EverythingServer.Script, "stdio"] : [EverythingServer.Script, "stdio", marker], env: env, version: version);

    /// <summary>Ids of running processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesWith(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    public static Task WaitUntilGoneAsync(string marker, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => ProcessesWith(marker).Count == 0, $"every process with '{marker}' to end", timeout ?? TimeSpan.FromSeconds(15));
}

/// <summary>An <see cref="IMcpServerStore"/> in memory, for tool tests that need no database.</summary>
public sealed class InMemoryMcpServerStore : IMcpServerStore
{
    private readonly Dictionary<Guid, McpServer> _servers = [];

    public InMemoryMcpServerStore(params McpServer[] servers)
    {
        foreach (var server in servers)
        {
            _servers[server.Id] = server;
        }
    }

    public Task<IReadOnlyList<McpServer>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<McpServer>>([.. _servers.Values]);

    public Task<McpServer?> GetAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_servers.GetValueOrDefault(id));

    public Task<McpServer?> FindAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult(_servers.Values.FirstOrDefault(s => s.Name == name));

    public Task<McpServer> CreateAsync(McpServer server, CancellationToken cancellationToken) => Task.FromResult(_servers[server.Id] = server);

    public Task<McpServer> UpdateAsync(McpServer server, CancellationToken cancellationToken) =>
        Task.FromResult(_servers[server.Id] = server with { Version = server.Version + 1 });

    public Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken) => Task.FromResult(_servers.Remove(id));
}
