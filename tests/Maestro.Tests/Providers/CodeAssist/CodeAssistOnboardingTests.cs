using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Providers.Gemini;
using Maestro.Providers.Gemini.CodeAssist;
using Maestro.Tests.Infrastructure;
using Maestro.Tests.Providers.Gemini;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.CodeAssist;

/// <summary>
/// Code Assist onboarding as Maestro wires it: auths stored in PostgreSQL, the provider from the registry, the project
/// found at first use and saved to the auth, once.
/// </summary>
public sealed class CodeAssistOnboardingTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Model = "gemini-2.5-flash";

    private EmulatorServer _emulator = null!;
    private MaestroTestEnvironment _env = null!;
    private IAuthStore _store = null!;
    private ProviderConnections _connections = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), Token);
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "codeassist");
        _env.Settings["GEMINI_CODE_ASSIST_ENDPOINT"] = _emulator.ProviderUrl(EmulatorProviders.CodeAssist).ToString();
        _env.Settings["GEMINI_API_BASE_URL"] = _emulator.ProviderUrl(EmulatorProviders.Gemini).ToString();
        var services = _env.Services();
        _store = services.GetRequiredService<IAuthStore>();
        _connections = services.GetRequiredService<ProviderConnections>();
    }

    public async ValueTask DisposeAsync()
    {
        await _env.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task The_first_use_onboards_and_saves_the_project_and_later_uses_do_not_onboard_again()
    {
        var (token, auth) = await AddAsync("first_use");

        var first = await ChatAsync(auth, "One");
        var saved = await _store.FindAsync("gemini", auth.Name, Token);
        var second = await ChatAsync(auth, "Two");

        GeminiStreamHarness.Errors(first).ShouldBeEmpty();
        GeminiStreamHarness.Errors(second).ShouldBeEmpty();
        var project = saved!.MetadataValue(AuthMetadata.ProjectId);
        project.ShouldNotBeNull().ShouldStartWith("emulated-");
        saved.MetadataValue(AuthMetadata.Mode).ShouldBe(CodeAssistMode.Mode, "other metadata is kept");
        saved.MetadataValue(AuthMetadata.Email).ShouldBe("user@example.com");
        var requests = _emulator.Control.Requests(token);
        requests.Count(r => r.Path.EndsWith(":loadCodeAssist", StringComparison.Ordinal)).ShouldBe(1);
        requests.Count(r => r.Path.EndsWith(":onboardUser", StringComparison.Ordinal)).ShouldBe(1);
        var generates = requests.Where(r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal)).ToList();
        generates.Count.ShouldBe(2);
        generates.ShouldAllBe(r => r.Json!.Value.GetProperty("project").GetString() == project);
    }

    [Fact]
    public async Task Concurrent_first_uses_share_one_onboarding()
    {
        var (token, auth) = await AddAsync("concurrent");

        var results = await Task.WhenAll(ChatAsync(auth, "A"), ChatAsync(auth, "B"), ChatAsync(auth, "C"));

        results.ShouldAllBe(updates => GeminiStreamHarness.Errors(updates).Count == 0);
        var requests = _emulator.Control.Requests(token);
        requests.Count(r => r.Path.EndsWith(":onboardUser", StringComparison.Ordinal)).ShouldBe(1);
        var projects = requests.Where(r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal))
            .Select(r => r.Json!.Value.GetProperty("project").GetString()).Distinct().ToList();
        projects.Count.ShouldBe(1);
        (await _store.FindAsync("gemini", auth.Name, Token))!.MetadataValue(AuthMetadata.ProjectId).ShouldBe(projects[0]);
    }

    [Fact]
    public async Task A_project_another_process_saved_meanwhile_is_kept()
    {
        var (token, auth) = await AddAsync("raced");
        var (provider, connection) = await _connections.ConnectAsync(auth.Ref, Token);
        var metadata = new Dictionary<string, string>(auth.Metadata) { [AuthMetadata.ProjectId] = "saved-by-the-other-process" };
        await _store.UpdateAsync(auth.Id, new AuthUpdate { Metadata = metadata }, Token);

        await ReadAsync(provider.CreateChatClient(connection), "Hi");

        (await _store.FindAsync("gemini", auth.Name, Token))!.MetadataValue(AuthMetadata.ProjectId).ShouldBe("saved-by-the-other-process");
        _emulator.Control.Requests(token)[^1].Json!.Value.GetProperty("project").GetString().ShouldBe("saved-by-the-other-process");
    }

    [Fact]
    public async Task Listing_models_sets_the_login_up_too_and_the_login_flow_can_ask_first()
    {
        var (token, auth) = await AddAsync("listing");
        var (provider, connection) = await _connections.ConnectAsync(auth.Ref, Token);
        var gemini = provider.ShouldBeOfType<GeminiProvider>();

        var project = await gemini.CodeAssist.EnsureProjectAsync(connection, Token);
        var models = await provider.ListModelsAsync((await _connections.ConnectAsync(auth.Ref, Token)).Connection, Token);

        project.ShouldStartWith("emulated-");
        (await _store.FindAsync("gemini", auth.Name, Token))!.MetadataValue(AuthMetadata.ProjectId).ShouldBe(project);
        models.ShouldContain(m => m.Id == Model);
        var requests = _emulator.Control.Requests(token);
        requests.Count(r => r.Path.EndsWith(":onboardUser", StringComparison.Ordinal)).ShouldBe(1);
        requests[^1].Json!.Value.GetProperty("project").GetString().ShouldBe(project);
    }

    private async Task<(string Token, AuthRecord Auth)> AddAsync(string name)
    {
        var token = $"ya29-{Guid.NewGuid():N}";
        var auth = await _store.CreateAsync(
            new NewAuth(
                "gemini",
                name,
                AuthType.OAuth,
                new AuthCredentials { AccessToken = token, RefreshToken = "rt-" + token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) },
                new Dictionary<string, string> { [AuthMetadata.Mode] = CodeAssistMode.Mode, [AuthMetadata.Email] = "user@example.com" },
                DateTimeOffset.UtcNow.AddHours(1)),
            Token);
        return (token, auth);
    }

    private async Task<List<ChatResponseUpdate>> ChatAsync(AuthRecord auth, string prompt)
    {
        var (provider, connection) = await _connections.ConnectAsync(auth.Ref, Token);
        return await ReadAsync(provider.CreateChatClient(connection), prompt);
    }

    private static async Task<List<ChatResponseUpdate>> ReadAsync(IChatClient client, string prompt)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in client.GetStreamingResponseAsync([new(ChatRole.User, prompt)], new ChatOptions { ModelId = Model }, Token))
        {
            updates.Add(update);
        }

        return updates;
    }
}
