using Maestro.Core.Auths;
using Maestro.Emulator;
using Maestro.Providers.Gemini.CodeAssist;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Providers.CodeAssist;

/// <summary>`maestro e2e gemini/name` run as a process with a Code Assist login stored in the test database.</summary>
public sealed class CodeAssistCliTests(PostgresFixture postgres) : IAsyncLifetime
{
    private EmulatorServer _emulator = null!;
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync()
    {
        _emulator = await EmulatorServer.StartAsync(new EmulatorOptions(), TestContext.Current.CancellationToken);
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "cacli");
        _env.Settings["GEMINI_CODE_ASSIST_ENDPOINT"] = _emulator.ProviderUrl(EmulatorProviders.CodeAssist).ToString();
        _env.Settings["GEMINI_API_BASE_URL"] = "http://127.0.0.1:9/not-used";
    }

    public async ValueTask DisposeAsync()
    {
        await _env.DisposeAsync();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task E2e_passes_through_code_assist_and_the_process_saves_the_project()
    {
        var token = $"ya29-{Guid.NewGuid():N}";
        var store = _env.Services().GetRequiredService<IAuthStore>();
        await store.CreateAsync(
            new NewAuth("gemini", "gca", AuthType.OAuth, new AuthCredentials { AccessToken = token, RefreshToken = "rt-" + token },
                new Dictionary<string, string> { [AuthMetadata.Mode] = CodeAssistMode.Mode }),
            TestContext.Current.CancellationToken);

        var result = await CliRunner.RunAsync(_env, "e2e", "gemini/gca", "--quiet");

        result.ExitCode.ShouldBe(0, result.ToString());
        result.Stdout.ShouldContain("OVERALL: PASS");
        result.Stdout.ShouldNotContain(token);
        var paths = _emulator.Control.Requests(token).Select(r => r.Path).ToList();
        paths.ShouldContain("/codeassist/v1internal:retrieveUserQuota");
        paths.ShouldContain("/codeassist/v1internal:streamGenerateContent?alt=sse");
        paths.Count(p => p.EndsWith(":onboardUser", StringComparison.Ordinal)).ShouldBe(1);
        (await store.FindAsync("gemini", "gca", TestContext.Current.CancellationToken))!.MetadataValue(AuthMetadata.ProjectId)
            .ShouldNotBeNull().ShouldStartWith("emulated-");
    }
}
