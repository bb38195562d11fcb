using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// Against the real providers: skipped unless RUN_REAL_API_TEST=1 and the provider's key is in the environment
/// (ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY). Nothing else in the suite reaches the internet.
/// </summary>
public sealed class LiveProviderTests(PostgresFixture postgres)
{
    public static TheoryData<string, string> Providers => new()
    {
        { "anthropic", "ANTHROPIC_API_KEY" },
        { "openai", "OPENAI_API_KEY" },
        { "gemini", "GEMINI_API_KEY" },
    };

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task The_standard_e2e_passes_against_the_real_api(string provider, string keyVariable)
    {
        var key = Environment.GetEnvironmentVariable(keyVariable) ?? (provider == "gemini" ? Environment.GetEnvironmentVariable("GOOGLE_API_KEY") : null);
        Assert.SkipUnless(Environment.GetEnvironmentVariable("RUN_REAL_API_TEST") == "1" && !string.IsNullOrEmpty(key),
            $"Live test: set RUN_REAL_API_TEST=1 and {keyVariable} to run it.");

        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "live-" + provider);
        (await CliRunner.RunAsync(env.Settings, ["auth", "add", provider, "live", "--api-key-stdin"], key)).ExitCode.ShouldBe(0);

        var e2e = await CliRunner.RunAsync(env.Settings, ["e2e", $"{provider}/live", "--quiet"], timeout: TimeSpan.FromMinutes(5));

        e2e.ExitCode.ShouldBe(0, e2e.ToString());
        e2e.Stdout.ShouldContain("OVERALL: PASS");
    }
}
