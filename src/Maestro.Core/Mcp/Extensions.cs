using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Core.Mcp;

public static class Extensions
{
    /// <summary>
    /// MCP servers: <see cref="McpSettings"/> (MAESTRO_MCP_TIMEOUT, MAESTRO_MCP_CALL_TIMEOUT), <see cref="McpService"/>,
    /// the connection pool (disposed with the container, which stops the servers' processes), <see cref="McpToolSource"/>
    /// as an <see cref="IToolSource"/>, and <see cref="IMcpServerLookup"/> for sessions. The store comes from Maestro.Data.
    /// </summary>
    public static IServiceCollection AddMcp(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(McpSettings.Read(configuration));
        services.AddSingleton<McpConnector>();
        services.AddSingleton<McpClientPool>();
        services.AddSingleton<McpService>();
        services.AddSingleton<McpToolSource>();
        services.AddSingleton<IToolSource>(sp => sp.GetRequiredService<McpToolSource>());
        services.AddSingleton<IMcpServerLookup, McpServerLookup>();
        services.AddHttpClient(McpConnector.HttpClientName, client =>
        {
            // Streamable HTTP and SSE keep responses open; the connector and the pool bound every wait themselves.
            client.Timeout = Timeout.InfiniteTimeSpan;
        });
        return services;
    }
}
