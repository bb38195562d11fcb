using System.Security.Cryptography;
using Maestro.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Maestro.Tests.Infrastructure;

/// <summary>
/// A complete Maestro configuration for one test class: its own database in the shared test cluster, its own secret
/// key and $MAESTRO_HOME. The same settings drive in-process services, the web host and the CLI run as a process.
/// </summary>
public sealed class MaestroTestEnvironment : IAsyncDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    private MaestroTestEnvironment(string databaseUrl, string home)
    {
        DatabaseUrl = databaseUrl;
        Home = home;
        Settings = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = databaseUrl,
            ["MAESTRO_HOME"] = home,
            ["MAESTRO_SECRET_KEY"] = SecretKey,
            ["MAESTRO_PROVIDER_RETRY_DELAY_MS"] = "1",
            ["MAESTRO_CIRCUIT_BREAKER"] = "0",
        };
    }

    public string DatabaseUrl { get; }

    public string Home { get; }

    public string SecretKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Environment-variable settings; tests may add more (e.g. provider base URLs) before building services.</summary>
    public Dictionary<string, string?> Settings { get; }

    public static async Task<MaestroTestEnvironment> CreateAsync(PostgresFixture postgres, string label) =>
        new(await postgres.CreateDatabaseAsync(label), TestHome.Create(label));

    public IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();

    /// <summary>Maestro's services, as the CLI builds them; disposed with the environment.</summary>
    /// <param name="configure">Changes to Maestro's services, applied last (a test's decorator, say).</param>
    public IServiceProvider Services(Action<IServiceCollection>? configure = null)
    {
        var configuration = Configuration();
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddMaestro(configuration);
        configure?.Invoke(services);
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return provider;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        TestHome.Delete(Home);
    }
}
