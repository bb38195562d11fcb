using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Core.Tools.BuiltIn;

public static class Extensions
{
    /// <summary>
    /// The built-in tools: a <see cref="ToolLimits"/> singleton read from MAESTRO_TOOL_MAX_OUTPUT, MAESTRO_SHELL_TIMEOUT,
    /// MAESTRO_SHELL_MAX_TIMEOUT and MAESTRO_HTTP_FETCH_ALLOW; <see cref="BuiltInToolSource"/> (also as an
    /// <see cref="IToolSource"/>); and http_fetch's HTTP client, which never follows redirects by itself.
    /// </summary>
    public static IServiceCollection AddBuiltInTools(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(ToolLimitsSettings.Read(configuration));
        services.AddSingleton<BuiltInToolSource>();
        services.AddSingleton<IToolSource>(sp => sp.GetRequiredService<BuiltInToolSource>());
        services.AddSingleton<IBuiltInTools>(sp => sp.GetRequiredService<BuiltInToolSource>());

        services.AddHttpClient(HttpFetchTool.HttpClientName, client =>
            {
                // The tool bounds each fetch itself (HttpFetchTool.Timeout), redirects included.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Maestro-http_fetch/1.0");
                client.DefaultRequestHeaders.Accept.ParseAdd("text/html, text/plain, application/json, application/xml;q=0.9, */*;q=0.5");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Every redirect must be checked against the allow-list, so the tool follows them itself.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.All,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            });
        return services;
    }
}
