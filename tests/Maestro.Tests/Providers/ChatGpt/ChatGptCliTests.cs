using Maestro.Core.Auths;
using Maestro.Emulator;
using Maestro.Providers.OpenAI.ChatGpt;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.ChatGpt;

/// <summary>`maestro e2e openai/name` run as a process with a ChatGPT login stored in the test database.</summary>
public sealed class ChatGptCliTests(PostgresFixture postgres) : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "chatgptcli");
        _env.Settings["OPENAI_CHATGPT_BASE_URL"] = _emulator.ProviderUrl(EmulatorProviders.ChatGpt).ToString();
        _env.Settings["OPENAI_API_BASE_URL"] = "http://127.0.0.1:9/not-used";
    }

    public async ValueTask DisposeAsync()
    {
        await _env.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task E2e_passes_through_the_chatgpt_backend()
    {
        var token = $"eyJ-chatgpt-{Guid.NewGuid():N}";
        await _env.Services().GetRequiredService<IAuthStore>().CreateAsync(
            new NewAuth("openai", "plus", AuthType.OAuth,
                new AuthCredentials { AccessToken = token, RefreshToken = "rt-" + token, IdToken = "id-" + token },
                new Dictionary<string, string>
                {
                    [AuthMetadata.Mode] = ChatGptBackend.Mode,
                    [AuthMetadata.AccountId] = ChatGptConnections.Account,
                    [AuthMetadata.Plan] = "plus",
                }),
            TestContext.Current.CancellationToken);

        var result = await CliRunner.RunAsync(_env, "e2e", "openai/plus", "--model", "gpt-5.2-codex", "--quiet");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("OVERALL: PASS");
        result.Stdout.ShouldNotContain(token);
        var requests = _emulator.Control.Requests(token);
        requests.Select(r => r.Path).ShouldBe(["/chatgpt/models?client_version=0.0.0", "/chatgpt/responses"]);
        requests.ShouldAllBe(r => r.Headers["chatgpt-account-id"] == ChatGptConnections.Account);
        requests[1].Json!.Value.GetProperty("instructions").GetString().ShouldBe(ChatGptRequestBody.DefaultInstructions);
    }
}
