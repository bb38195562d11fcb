using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>
/// Logins from the emulated authorization servers used for inference, with `maestro e2e` and `maestro chat` as processes:
/// a ChatGPT login through the ChatGPT backend, a Gemini login through Code Assist; a revoked access token on the way is
/// refreshed once and the request retried once.
/// </summary>
public sealed class SubscriptionLoginTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private IServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthsubs");
        _services = _bed.Environment.Services();
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_chatgpt_login_passes_e2e_and_survives_a_revoked_access_token()
    {
        var auth = await LoginAsync("openai", "plus", null);
        var stored = await OAuthTestBed.StoredAsync(_services, auth.Ref);

        var e2e = await CliRunner.RunAsync(_bed.Environment, "e2e", "openai/plus", "--model", "gpt-5.2-codex", "--quiet");

        e2e.ExitCode.ShouldBe(0, e2e.ToString());
        e2e.Stdout.ShouldContain("OVERALL: PASS");
        _bed.Emulator.Control.Requests(stored.Credentials.AccessToken).ShouldAllBe(r => r.Headers["chatgpt-account-id"] == _bed.OAuth.User.AccountId);

        await ChatAfterRevocationAsync(auth.Ref, stored, "gpt-5.2-codex");
    }

    [Fact]
    public async Task A_code_assist_login_passes_e2e_keeps_its_project_and_survives_a_revoked_access_token()
    {
        var auth = await LoginAsync("gemini", "assist", "code_assist");
        var stored = await OAuthTestBed.StoredAsync(_services, auth.Ref);

        var e2e = await CliRunner.RunAsync(_bed.Environment, "e2e", "gemini/assist", "--quiet");

        e2e.ExitCode.ShouldBe(0, e2e.ToString());
        e2e.Stdout.ShouldContain("OVERALL: PASS");
        (await _services.GetRequiredService<AuthService>().GetAsync(auth.Ref, Ct)).MetadataValue(AuthMetadata.ProjectId).ShouldNotBeNull();

        await ChatAfterRevocationAsync(auth.Ref, stored, "gemini-2.5-flash");
        // The refresh kept what onboarding found.
        (await _services.GetRequiredService<AuthService>().GetAsync(auth.Ref, Ct)).MetadataValue(AuthMetadata.ProjectId).ShouldNotBeNull();
    }

    private async Task<AuthRecord> LoginAsync(string provider, string name, string? mode)
    {
        var logins = _services.GetRequiredService<OAuthLoginService>();
        var flow = await logins.StartAsync(new OAuthStartRequest(provider, name, Options: new OAuthLoginOptions(mode)), Ct);
        await _bed.OpenAsync(flow.AuthorizationUrl!);
        (await logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        return await _services.GetRequiredService<AuthService>().GetAsync(new AuthRef(provider, name), Ct);
    }

    private async Task ChatAfterRevocationAsync(AuthRef auth, StoredAuth before, string model)
    {
        _bed.OAuth.RevokeAccessToken(before.Credentials.AccessToken!).ShouldBeTrue();
        _bed.OAuth.ClearTokenRequests();
        _bed.Emulator.Control.ClearRequests();

        var chat = await CliRunner.RunAsync(_bed.Environment, "chat", auth.ToString(), "--model", model, "Hello after a revocation");

        chat.ExitCode.ShouldBe(0, chat.ToString());
        var after = await OAuthTestBed.StoredAsync(_services, auth);
        after.Credentials.AccessToken.ShouldNotBe(before.Credentials.AccessToken);
        _bed.OAuth.TokenRequests().Where(r => r.GrantType == "refresh_token").ShouldHaveSingleItem().Status.ShouldBe(200);
        _bed.Emulator.Control.Requests(before.Credentials.AccessToken).Count.ShouldBe(1);
        _bed.Emulator.Control.Requests(after.Credentials.AccessToken).ShouldNotBeEmpty();
    }
}
