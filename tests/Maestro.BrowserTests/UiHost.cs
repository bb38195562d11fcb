using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Emulator;

namespace Maestro.BrowserTests;

/// <summary>
/// What a journey runs against: its own database, the provider emulator and the web host. Live UI streams are recycled
/// every second here, so every journey also exercises reconnecting and resuming mid-stream.
/// </summary>
public sealed class UiHost : IAsyncDisposable
{
    private UiHost(MaestroTestEnvironment env, EmulatorServer emulator, WebServer server, string workspace)
    {
        Env = env;
        Emulator = emulator;
        Server = server;
        Workspace = workspace;
    }

    public MaestroTestEnvironment Env { get; }

    public EmulatorServer Emulator { get; }

    public WebServer Server { get; }

    /// <summary>A folder sessions may use as their working directory.</summary>
    public string Workspace { get; }

    public string Url(string path) => new Uri(Server.BaseUrl, path).ToString();

    /// <param name="oauth">Point OAuth logins (and the providers' APIs) at the emulator's authorization servers, with the
    /// OpenAI loopback callback on a free port.</param>
    /// <param name="settings">Extra settings for this host (e.g. a price table).</param>
    public static async Task<UiHost> StartAsync(PostgresFixture postgres, string label, bool oauth = false, Action<Dictionary<string, string?>>? settings = null)
    {
        var env = await MaestroTestEnvironment.CreateAsync(postgres, label);
        env.Settings["MAESTRO_UI_STREAM_MAX_SECONDS"] = "1";
        settings?.Invoke(env.Settings);
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions());
        if (oauth)
        {
            foreach (var (name, value) in emulator.OAuthSettings())
            {
                env.Settings[name] = value;
            }

            env.Settings["ANTHROPIC_API_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.Anthropic).AbsoluteUri;
            env.Settings["OPENAI_API_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.OpenAI).AbsoluteUri;
            env.Settings["OPENAI_CHATGPT_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.ChatGpt).AbsoluteUri;
            env.Settings["OPENAI_REDIRECT_URI"] = $"http://localhost:{FreePort()}/auth/callback";
        }

        var server = await WebServer.StartAsync(env);
        var workspace = Path.Combine(env.Home, "workspace");
        Directory.CreateDirectory(workspace);
        return new UiHost(env, emulator, server, workspace);
    }

    /// <summary>An Anthropic auth pointing at the emulator; scripts queued for <paramref name="key"/> answer its requests.</summary>
    public async Task AddAuthAsync(string name, string key)
    {
        using var response = await Server.Client.PostAsJsonAsync("/api/auths", new
        {
            provider = "anthropic",
            name,
            api_key = key,
            base_url = Emulator.ProviderUrl(EmulatorProviders.Anthropic).ToString(),
        });
        response.EnsureSuccessStatusCode();
    }

    public async Task AddSessionAsync(string name, string auth, string? workingDirectory = null)
    {
        using var response = await Server.Client.PostAsJsonAsync("/api/sessions", new Dictionary<string, object?>
        {
            ["name"] = name,
            ["auth"] = auth,
            ["model"] = "claude-sonnet-4-5",
            ["working_directory"] = workingDirectory,
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Runs a turn through the REST API and waits until it finished.</summary>
    public async Task ChatAsync(string session, string text)
    {
        using var started = await Server.Client.PostAsJsonAsync($"/api/sessions/{session}/turns", new { text });
        started.EnsureSuccessStatusCode();
        var turnId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("turn_id").GetString();
        await Eventually.UntilAsync(async () =>
            (await Server.Client.GetFromJsonAsync<JsonElement>($"/api/sessions/{session}/turns/{turnId}")).GetProperty("status").GetString() != "running",
            $"the turn in {session} to finish");
    }

    /// <summary>Content-Security-Policy violations reported by any page of this host's browser contexts.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> CspViolations { get; } = new();

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops everything; a test whose pages reported a CSP violation fails here.</summary>
    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Emulator.DisposeAsync();
        await Env.DisposeAsync();
        CspViolations.ShouldBeEmpty("no page may break the Content-Security-Policy");
    }
}
