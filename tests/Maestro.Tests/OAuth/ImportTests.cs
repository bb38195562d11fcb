using System.Text;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.OAuth;
using Maestro.Core.OAuth.Imports;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>`maestro auth import codex|claude|gemini` on sample files of each tool's format, valid and of the wrong shape.</summary>
public sealed class ImportTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private IServiceProvider _services = null!;
    private string _folder = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OAuthImportService Imports => _services.GetRequiredService<OAuthImportService>();

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthimport");
        _services = _bed.Environment.Services();
        _folder = TestHome.Create("imports");
    }

    public async ValueTask DisposeAsync()
    {
        TestHome.Delete(_folder);
        await _bed.DisposeAsync();
    }

    [Fact]
    public async Task A_codex_login_keeps_its_account_plan_email_expiry_and_api_key()
    {
        var expires = DateTimeOffset.UtcNow.AddDays(10).ToUnixTimeSeconds();
        var access = Jwt($$$"""{"exp":{{{expires}}},"iat":{{{expires - 864000}}},"https://api.openai.com/auth":{"chatgpt_plan_type":"plus","chatgpt_account_id":"acct-from-access"}}""");
        var id = Jwt("""{"email":"codex.user@example.com","https://api.openai.com/auth":{"chatgpt_account_id":"acct-from-id"}}""");
        var path = Write("auth.json", $$"""
            {"OPENAI_API_KEY": "sk-proj-imported-key", "tokens": {"id_token": "{{id}}", "access_token": "{{access}}",
             "refresh_token": "rt_imported", "account_id": "acct-explicit"}, "last_refresh": "2025-06-01T10:00:00Z"}
            """);

        var (auth, from) = await Imports.ImportAsync(new OAuthImportRequest("codex", Path: path), Ct);

        auth.Ref.ToString().ShouldBe("openai/codex");
        from.ShouldBe(path);
        auth.Type.ShouldBe(AuthType.OAuth);
        auth.MetadataValue(AuthMetadata.Mode).ShouldBe("chatgpt");
        auth.MetadataValue(AuthMetadata.Plan).ShouldBe("plus");
        auth.MetadataValue(AuthMetadata.AccountId).ShouldBe("acct-explicit");
        auth.MetadataValue(AuthMetadata.Email).ShouldBe("codex.user@example.com");
        auth.MetadataValue(AuthMetadata.ImportedFrom).ShouldBe(path);
        auth.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(expires));
        var stored = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        stored.Credentials.RefreshToken.ShouldBe("rt_imported");
        stored.Credentials.ExtraValue("api_key").ShouldBe("sk-proj-imported-key");
        stored.Credentials.IssuedAt.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(expires - 864000));
    }

    [Fact]
    public async Task A_claude_login_imports_and_then_refreshes_like_any_login()
    {
        // Tokens the emulated Anthropic server issued, saved the way Claude Code saves them.
        var source = await OAuthTestBed.StoredAsync(_services, (await _bed.LoginAnthropicAsync(_services, "original")).Ref);
        var path = Write(".credentials.json", $$$"""
            {"claudeAiOauth": {"accessToken": "{{{source.Credentials.AccessToken}}}", "refreshToken": "{{{source.Credentials.RefreshToken}}}",
             "expiresAt": {{{source.Credentials.ExpiresAt!.Value.ToUnixTimeMilliseconds()}}}, "scopes": ["user:inference", "user:profile"],
             "subscriptionType": "max"}}
            """);

        var (auth, _) = await Imports.ImportAsync(new OAuthImportRequest("claude", Name: "imported", Path: path), Ct);

        auth.MetadataValue(AuthMetadata.Plan).ShouldBe("max");
        auth.ExpiresAt!.Value.ShouldBe(source.Credentials.ExpiresAt.Value, TimeSpan.FromMilliseconds(1));
        var outcome = await _services.GetRequiredService<OAuthRefresher>().RefreshAsync(auth.Id, RefreshTrigger.Forced, null, Ct);
        outcome.Result.ShouldBe(RefreshResult.Refreshed);

        var again = await Should.ThrowAsync<ConflictException>(() => Imports.ImportAsync(new OAuthImportRequest("claude", Name: "imported", Path: path), Ct));
        again.Message.ShouldBe("anthropic/imported already exists.");
        again.Hint!.ShouldContain("--replace");
        (await Imports.ImportAsync(new OAuthImportRequest("claude", Name: "imported", Path: path, Replace: true), Ct)).Auth.Id.ShouldBe(auth.Id);
    }

    [Fact]
    public async Task A_gemini_cli_login_is_a_code_assist_auth_unless_api_mode_is_asked_for()
    {
        var expiry = DateTimeOffset.UtcNow.AddMinutes(50).ToUnixTimeMilliseconds();
        var path = Write("oauth_creds.json", $$"""
            {"access_token": "ya29.imported", "refresh_token": "1//imported", "scope": "https://www.googleapis.com/auth/cloud-platform openid",
             "token_type": "Bearer", "id_token": "{{Jwt("""{"email":"gemini.user@example.com"}""")}}", "expiry_date": {{expiry}}}
            """);

        var (assist, _) = await Imports.ImportAsync(new OAuthImportRequest("gemini", Path: path), Ct);
        var (api, _) = await Imports.ImportAsync(new OAuthImportRequest("gemini", Name: "gemini_api", Path: path, Mode: "api"), Ct);

        assist.Ref.ToString().ShouldBe("gemini/gemini");
        assist.MetadataValue(AuthMetadata.Mode).ShouldBe("code_assist");
        assist.MetadataValue(AuthMetadata.Email).ShouldBe("gemini.user@example.com");
        assist.ExpiresAt.ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(expiry));
        api.MetadataValue(AuthMetadata.Mode).ShouldBe("api");
        (await Should.ThrowAsync<ValidationFailedException>(() => Imports.ImportAsync(new OAuthImportRequest("gemini", Name: "other", Path: path, Mode: "turbo"), Ct)))
            .Errors["mode"].Single().ShouldContain("use code_assist or api");
    }

    [Theory]
    [InlineData("codex", """{"tokens": {"access_token": "a", "id_token": "i"}}""", "missing field 'tokens.refresh_token' (a non-empty string); expected {\"tokens\": {\"access_token\", \"refresh_token\", \"id_token\"}}")]
    [InlineData("codex", """{"auth_mode": "chatgpt"}""", "missing field 'tokens' (an object)")]
    [InlineData("codex", """{"OPENAI_API_KEY": "sk-only-a-key", "tokens": null}""", "holds an API key, not a ChatGPT login")]
    [InlineData("claude", """{"mcpOAuth": {}}""", "missing field 'claudeAiOauth' (an object)")]
    [InlineData("claude", """{"claudeAiOauth": {"accessToken": "a", "refreshToken": "r", "expiresAt": "tomorrow"}}""", "field 'claudeAiOauth.expiresAt' is not a time in milliseconds since 1970")]
    [InlineData("claude", """{"claudeAiOauth": {"accessToken": "a", "refreshToken": "r", "scopes": ["user:profile"]}}""", "do not include user:inference")]
    [InlineData("gemini", """[1, 2]""", "is not a JSON object; expected {\"access_token\", \"refresh_token\", \"expiry_date\"}")]
    [InlineData("gemini", """{"access_token": "a", "refresh_token": 42}""", "field 'refresh_token' is not a string")]
    [InlineData("gemini", "not json at all", "is not valid JSON")]
    public async Task A_file_of_the_wrong_shape_is_a_clear_error_naming_the_file_and_the_field(string source, string content, string expected)
    {
        var path = Write($"{source}-{Guid.NewGuid():N}.json", content);

        var error = await Should.ThrowAsync<ValidationFailedException>(() => Imports.ImportAsync(new OAuthImportRequest(source, Path: path), Ct));

        var message = error.Errors["file"].Single();
        message.ShouldContain(path);
        message.ShouldContain(expected);
        (await _services.GetRequiredService<AuthService>().ListAsync(null, Ct)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Unknown_sources_and_missing_files_say_what_exists()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Imports.ImportAsync(new OAuthImportRequest("cursor"), Ct)))
            .Errors["source"].Single().ShouldBe("'cursor' is not a login Maestro can import: use claude, codex, gemini.");
        var missing = Path.Combine(_folder, "nothing-here.json");
        (await Should.ThrowAsync<ValidationFailedException>(() => Imports.ImportAsync(new OAuthImportRequest("claude", Path: missing), Ct)))
            .Errors["file"].Single().ShouldBe($"{missing} does not exist. Log in with Claude Code first, or give the file with --file PATH.");
    }

    [Fact]
    public async Task The_cli_imports_from_the_tools_usual_place_and_reports_bad_files_in_one_line()
    {
        var home = TestHome.Create("fakehome");
        try
        {
            Directory.CreateDirectory(Path.Combine(home, ".claude"));
            await File.WriteAllTextAsync(Path.Combine(home, ".claude", ".credentials.json"),
                """{"claudeAiOauth": {"accessToken": "sk-ant-oat01-file", "refreshToken": "sk-ant-ort01-file", "expiresAt": 4102444800000}}""", Ct);
            var settings = new Dictionary<string, string?>(_bed.Environment.Settings) { ["HOME"] = home, ["CLAUDE_CONFIG_DIR"] = null };

            var imported = await CliRunner.RunAsync(settings, ["auth", "import", "claude"]);

            imported.ExitCode.ShouldBe(0, imported.ToString());
            OAuthTestBed.Flat(imported.Stdout).ShouldContain($"Imported {Path.Combine(home, ".claude", ".credentials.json")} as anthropic/claude: OAuth, stored encrypted.");
            imported.Stdout.ShouldNotContain("sk-ant-oat01-file");

            var bad = Write("auth.json", """{"tokens": {"access_token": "a"}}""");
            var refused = await CliRunner.RunAsync(settings, ["auth", "import", "codex", "--file", bad, "--name", "broken"]);
            refused.ExitCode.ShouldBe(1);
            refused.Stderr.ShouldStartWith($"error: file: {bad}: missing field 'tokens.refresh_token'");
            refused.Stderr.ShouldNotContain("   at ");
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Jwt(string payload) =>
        $"{Pkce.Base64Url(Encoding.UTF8.GetBytes("""{"alg":"none"}"""))}.{Pkce.Base64Url(Encoding.UTF8.GetBytes(payload))}.c2ln";
}
