using Maestro.Core.Mcp;
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

    public static McpServer Everything(string name = "everything", IReadOnlyDictionary<string, string>? env = null, int version = 1) =>
        Server(name, "node", [EverythingServer.Script, "stdio"], env: env, version: version);
}
