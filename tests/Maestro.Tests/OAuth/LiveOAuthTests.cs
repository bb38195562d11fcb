using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.OAuth;

/// <summary>
/// `maestro e2e` with a real OAuth login: skipped unless RUN_REAL_API_TEST=1 and a credentials file is named in
/// MAESTRO_LIVE_OAUTH_CODEX, MAESTRO_LIVE_OAUTH_CLAUDE or MAESTRO_LIVE_OAUTH_GEMINI. Use a login kept for testing:
/// refresh tokens rotate, so once Maestro refreshes an imported login the tool's own copy of it stops working.
/// </summary>
public sealed class LiveOAuthTests(PostgresFixture postgres)
{
    public static TheoryData<string, string, string> Logins => new()
    {
        { "codex", "openai", "MAESTRO_LIVE_OAUTH_CODEX" },
        { "claude", "anthropic", "MAESTRO_LIVE_OAUTH_CLAUDE" },
        { "gemini", "gemini", "MAESTRO_LIVE_OAUTH_GEMINI" },
    };

    [Theory]
    [MemberData(nameof(Logins))]
    public async Task The_standard_e2e_passes_with_an_imported_login(string source, string provider, string fileVariable)
    {
        var file = Environment.GetEnvironmentVariable(fileVariable);
        Assert.SkipUnless(Environment.GetEnvironmentVariable("RUN_REAL_API_TEST") == "1" && File.Exists(file),
            $"Live test: set RUN_REAL_API_TEST=1 and {fileVariable} to a {source} credentials file kept for testing.");

        await using var env = await MaestroTestEnvironment.CreateAsync(postgres, "liveoauth-" + source);
        var import = await CliRunner.RunAsync(env.Settings, ["auth", "import", source, "--file", file!, "--name", "live"]);
        import.ExitCode.ShouldBe(0, import.ToString());

        var e2e = await CliRunner.RunAsync(env.Settings, ["e2e", $"{provider}/live", "--quiet"], timeout: TimeSpan.FromMinutes(5));

        e2e.ExitCode.ShouldBe(0, e2e.ToString());
        e2e.Stdout.ShouldContain("OVERALL: PASS");
    }
}
