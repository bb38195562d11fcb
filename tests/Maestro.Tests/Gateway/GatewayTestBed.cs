using System.ClientModel;
using System.Net.Http.Headers;
using Anthropic;
using Maestro.Core.Auths;
using Maestro.Emulator;
using Maestro.Gateway.Keys;
using Maestro.Gateway.Routes;
using Maestro.Providers.Gemini.CodeAssist;
using Maestro.Providers.OpenAI.ChatGpt;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;

namespace Maestro.Tests.Gateway;

/// <summary>
/// Maestro serving the gateway on loopback, with one auth per provider kind pointed at the emulator, each with a
/// credential of its own (so scripts and recorded requests stay apart), and an unrestricted gateway key.
/// </summary>
public sealed class GatewayTestBed : IAsyncDisposable
{
    /// <summary>The auth refs the bed creates; <see cref="Credential"/> gives each one's upstream credential.</summary>
    public static readonly string[] Auths = ["anthropic/work", "openai/work", "openai/chatgpt", "gemini/work", "gemini/gca", "local/work"];

    private readonly Dictionary<string, string> _credentials = [];

    private GatewayTestBed(EmulatorServer emulator, MaestroTestEnvironment env, WebServer server, string key)
    {
        Emulator = emulator;
        Env = env;
        Server = server;
        Key = key;
    }

    public EmulatorServer Emulator { get; }

    public MaestroTestEnvironment Env { get; }

    public WebServer Server { get; }

    /// <summary>An unrestricted gateway key.</summary>
    public string Key { get; }

    public IServiceProvider Services => Server.App.Services;

    public static async Task<GatewayTestBed> StartAsync(
        PostgresFixture postgres, string label, Action<Dictionary<string, string?>>? settings = null, Action<IServiceCollection>? services = null)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), cancellation);
        var env = await MaestroTestEnvironment.CreateAsync(postgres, label);
        env.Settings["OPENAI_CHATGPT_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.ChatGpt).ToString();
        env.Settings["GEMINI_CODE_ASSIST_ENDPOINT"] = emulator.ProviderUrl(EmulatorProviders.CodeAssist).ToString();
        env.Settings["MAESTRO_COMPAT_PROVIDERS"] = "local";
        env.Settings["MAESTRO_COMPAT_LOCAL_BASE_URL"] = emulator.ProviderUrl(EmulatorProviders.OpenAI) + "/v1";
        env.Settings["MAESTRO_PROVIDER_MAX_RETRIES"] = "0";
        settings?.Invoke(env.Settings);
        var server = await WebServer.StartAsync(env, configureServices: services);
        var bed = new GatewayTestBed(emulator, env, server, (await server.App.Services.GetRequiredService<KeyService>().CreateAsync("test", null, null, null, null, cancellation)).Secret);
        foreach (var auth in Auths)
        {
            await bed.AddAuthAsync(auth);
        }

        return bed;
    }

    /// <summary>The credential the auth presents upstream: script the emulator with it, find its requests by it.</summary>
    public string Credential(string auth) => _credentials[auth];

    /// <summary>Adds an auth of the kind its ref names (see <see cref="Auths"/>; other names get an API key).</summary>
    public async Task AddAuthAsync(string auth)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var reference = AuthRef.Parse(auth);
        var credential = $"{reference.Provider}-{reference.Name}-{Guid.NewGuid():N}";
        _credentials[auth] = credential;
        var services = Services;
        if (auth == "openai/chatgpt" || auth == "gemini/gca")
        {
            var metadata = auth == "openai/chatgpt"
                ? new Dictionary<string, string> { [AuthMetadata.Mode] = ChatGptBackend.Mode, [AuthMetadata.AccountId] = "acct-emulated" }
                : new Dictionary<string, string> { [AuthMetadata.Mode] = CodeAssistMode.Mode };
            await services.GetRequiredService<IAuthStore>().CreateAsync(
                new NewAuth(reference.Provider, reference.Name, AuthType.OAuth,
                    new AuthCredentials { AccessToken = credential, RefreshToken = "rt-" + credential, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1), IssuedAt = DateTimeOffset.UtcNow },
                    metadata, DateTimeOffset.UtcNow.AddHours(1)),
                cancellation);
            return;
        }

        var baseUrl = reference.Provider switch
        {
            "local" => null,
            _ => Emulator.ProviderUrl(reference.Provider).ToString(),
        };
        await services.GetRequiredService<AuthService>().CreateApiKeyAsync(reference.Provider, reference.Name, credential, baseUrl, cancellation);
    }

    public async Task<GatewayRoute> AddRouteAsync(string name, params string[] targets) =>
        await Services.GetRequiredService<RouteService>().AddAsync(name, targets, TestContext.Current.CancellationToken);

    public async Task<string> CreateKeyAsync(string name, string[]? routes = null, decimal? budget = null, int? rpm = null, int? tpm = null) =>
        (await Services.GetRequiredService<KeyService>().CreateAsync(name, routes, budget, rpm, tpm, TestContext.Current.CancellationToken)).Secret;

    /// <summary>Queues an emulator answer for the auth's next request.</summary>
    public void Script(string auth, params ScriptedResponse[] responses) => Emulator.Control.Enqueue(Credential(auth), responses);

    public IReadOnlyList<RecordedRequest> Requests(string auth) => Emulator.Control.Requests(Credential(auth));

    /// <summary>The auth's generation requests (without Code Assist's setup calls or model listings).</summary>
    public IReadOnlyList<RecordedRequest> Generations(string auth) =>
        [.. Requests(auth).Where(r => r.Method == "POST" && (r.Path.Contains("enerateContent", StringComparison.Ordinal) || r.Path.EndsWith("/messages", StringComparison.Ordinal)
            || r.Path.EndsWith("/responses", StringComparison.Ordinal) || r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)))];

    public OpenAIClient OpenAI(string? key = null) => new(
        new ApiKeyCredential(key ?? Key),
        new OpenAIClientOptions { Endpoint = new Uri(Server.BaseUrl, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });

#pragma warning disable OPENAI001 // The Responses client is marked experimental in this SDK version.
    public OpenAI.Responses.ResponsesClient Responses(string? key = null) => new(
        new ApiKeyCredential(key ?? Key),
        new OpenAI.Responses.ResponsesClientOptions { Endpoint = new Uri(Server.BaseUrl, "v1"), NetworkTimeout = TimeSpan.FromSeconds(60) });
#pragma warning restore OPENAI001

    public AnthropicClient Anthropic(string? key = null) => new()
    {
        ApiKey = key ?? Key,
        BaseUrl = Server.BaseUrl.ToString().TrimEnd('/'),
        MaxRetries = 0,
        // The SDK checks every answer against the API's schema: the gateway's must pass.
        ResponseValidation = true,
    };

    /// <summary>A raw client for the Gemini endpoints, sending the key as Google's clients do.</summary>
    public HttpClient Gemini(string? key = null)
    {
        var http = new HttpClient { BaseAddress = Server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Add("x-goog-api-key", key ?? Key);
        return http;
    }

    public HttpClient Raw(string? bearer = null)
    {
        var http = new HttpClient { BaseAddress = Server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Env.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
