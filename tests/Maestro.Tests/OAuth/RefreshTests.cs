using System.Net.Http.Json;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>Token refresh against the emulated authorization servers: rotation, reuse, revocation, outages, the background refresher.</summary>
public sealed class RefreshTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private IServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OAuthRefresher Refresher => _services.GetRequiredService<OAuthRefresher>();

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthrefresh");
        _services = _bed.Environment.Services();
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_forced_refresh_rotates_the_refresh_token_and_saves_both_tokens()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "rotating");
        var before = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        _bed.OAuth.ClearTokenRequests();

        var outcome = await Refresher.RefreshAsync(auth.Id, RefreshTrigger.Forced, before.Credentials.AccessToken, Ct);

        outcome.Result.ShouldBe(RefreshResult.Refreshed);
        var after = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        after.Credentials.AccessToken.ShouldNotBe(before.Credentials.AccessToken);
        after.Credentials.RefreshToken.ShouldNotBe(before.Credentials.RefreshToken);
        after.Credentials.RefreshToken.ShouldBe(_bed.OAuth.CurrentRefreshToken(before.Credentials.RefreshToken!));
        after.Record.RefreshedAt.ShouldNotBeNull();
        after.Record.MetadataValue(AuthMetadata.Email).ShouldBe(_bed.OAuth.User.Email);
        var request = _bed.OAuth.TokenRequests("anthropic").Single();
        (request.GrantType, request.RefreshToken, request.Status).ShouldBe(("refresh_token", before.Credentials.RefreshToken, 200));

        // Asking again with the token we had before makes no second request: storage already moved on.
        (await Refresher.RefreshAsync(auth.Id, RefreshTrigger.Forced, before.Credentials.AccessToken, Ct)).Result.ShouldBe(RefreshResult.Fresh);
        _bed.OAuth.TokenRequests("anthropic").Count.ShouldBe(1);
    }

    [Fact]
    public async Task The_credential_source_refreshes_due_tokens_once_for_concurrent_callers_and_leaves_fresh_ones_alone()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "sourced");
        var factory = _services.GetRequiredService<ICredentialSourceFactory>();
        _bed.OAuth.ClearTokenRequests();

        var fresh = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        (await factory.Create(fresh).GetAsync(Ct)).AccessToken.ShouldBe(fresh.Credentials.AccessToken);
        _bed.OAuth.TokenRequests().ShouldBeEmpty();

        await OAuthTestBed.MakeDueAsync(_services, auth.Ref);
        var due = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => factory.Create(due).GetAsync(Ct).AsTask()));

        results.Select(c => c.AccessToken).Distinct().Count().ShouldBe(1);
        results[0].AccessToken.ShouldNotBe(due.Credentials.AccessToken);
        _bed.OAuth.TokenRequests().Count(r => r.GrantType == "refresh_token").ShouldBe(1);
    }

    [Fact]
    public async Task Google_answers_without_a_new_refresh_token_and_the_old_one_is_kept()
    {
        var logins = _services.GetRequiredService<OAuthLoginService>();
        var flow = await logins.StartAsync(new OAuthStartRequest("gemini", "google"), Ct);
        await _bed.OpenAsync(flow.AuthorizationUrl!);
        (await logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        var before = await OAuthTestBed.StoredAsync(_services, new AuthRef("gemini", "google"));

        var outcome = await Refresher.RefreshAsync(before.Record.Id, RefreshTrigger.Forced, before.Credentials.AccessToken, Ct);

        outcome.Result.ShouldBe(RefreshResult.Refreshed);
        var after = await OAuthTestBed.StoredAsync(_services, before.Record.Ref);
        after.Credentials.AccessToken.ShouldNotBe(before.Credentials.AccessToken);
        after.Credentials.RefreshToken.ShouldBe(before.Credentials.RefreshToken);
        after.Record.MetadataValue(AuthMetadata.Mode).ShouldBe("api");
    }

    [Fact]
    public async Task A_reused_refresh_token_marks_the_auth_needs_relogin_keeps_it_and_tells_everyone()
    {
        var logins = _services.GetRequiredService<OAuthLoginService>();
        var flow = await logins.StartAsync(new OAuthStartRequest("openai", "copied"), Ct);
        await _bed.OpenAsync(flow.AuthorizationUrl!);
        (await logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        var stored = await OAuthTestBed.StoredAsync(_services, new AuthRef("openai", "copied"));

        // Another program holding a copy of the login rotates it behind Maestro's back.
        using (var rotated = await _bed.Browser.PostAsJsonAsync(new Uri(_bed.Environment.Settings["OPENAI_TOKEN_ENDPOINT"]!), new Dictionary<string, string>
        {
            ["client_id"] = "app_EMoamEEZ73f0CkXaXp7hrann",
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = stored.Credentials.RefreshToken!,
        }, Ct))
        {
            rotated.IsSuccessStatusCode.ShouldBeTrue();
        }

        using var events = _services.GetRequiredService<SessionEventHub>().Subscribe(Guid.Empty);
        var outcome = await Refresher.RefreshAsync(stored.Record.Id, RefreshTrigger.Forced, stored.Credentials.AccessToken, Ct);

        outcome.Result.ShouldBe(RefreshResult.NeedsRelogin);
        outcome.Message.ShouldContain("refresh_token_reused");
        outcome.Message.ShouldContain("maestro auth login openai copied");
        var after = await OAuthTestBed.StoredAsync(_services, stored.Record.Ref);
        after.Record.Status.ShouldBe(AuthStatus.NeedsRelogin);
        after.Record.StatusMessage!.ShouldContain("refresh_token_reused");
        after.Credentials.RefreshToken.ShouldBe(stored.Credentials.RefreshToken);
        AuthStateText.Describe(after.Record, DateTimeOffset.UtcNow).ShouldStartWith("needs re-login: the provider refused the refresh token");

        var notices = new List<AuthChangedNotice>();
        while (events.Reader.TryRead(out var e))
        {
            if (e.Type == OAuthEvents.AuthChanged)
            {
                notices.Add(AuthChangedNotice.Parse(e.Notice)!);
            }
        }

        notices.Select(n => n.Change).ShouldBe(["refreshing", "needs_relogin"]);
        notices[^1].Auth.ShouldBe("openai/copied");

        var refused = await Should.ThrowAsync<MaestroException>(() => _services.GetRequiredService<ProviderConnections>().ConnectAsync(stored.Record.Ref, Ct));
        refused.Message.ShouldContain("needs a new login");
        // Asking again makes no token request: the auth is known to need a login.
        var count = _bed.OAuth.TokenRequests("openai").Count;
        (await Refresher.RefreshAsync(stored.Record.Id, RefreshTrigger.Forced, null, Ct)).Result.ShouldBe(RefreshResult.NeedsRelogin);
        _bed.OAuth.TokenRequests("openai").Count.ShouldBe(count);
    }

    [Fact]
    public async Task A_revoked_login_needs_a_new_login()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "revoked");
        var stored = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        _bed.OAuth.RevokeLogin(stored.Credentials.RefreshToken!).ShouldBeTrue();

        var outcome = await Refresher.RefreshAsync(auth.Id, RefreshTrigger.Forced, null, Ct);

        outcome.Result.ShouldBe(RefreshResult.NeedsRelogin);
        outcome.Message.ShouldContain("invalid_grant");
        (await _services.GetRequiredService<AuthService>().GetAsync(auth.Ref, Ct)).Status.ShouldBe(AuthStatus.NeedsRelogin);
    }

    [Fact]
    public async Task A_token_endpoint_that_is_down_keeps_the_tokens_and_shows_the_refresh_as_pending()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "outage");
        var before = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        var working = _bed.Environment.Settings["ANTHROPIC_TOKEN_ENDPOINT"];
        _bed.Environment.Settings["ANTHROPIC_TOKEN_ENDPOINT"] = $"http://127.0.0.1:{CliProcess.FreePort()}/v1/oauth/token";
        var down = _bed.Environment.Services();
        _bed.Environment.Settings["ANTHROPIC_TOKEN_ENDPOINT"] = working;

        var outcome = await down.GetRequiredService<OAuthRefresher>().RefreshAsync(auth.Id, RefreshTrigger.Forced, null, Ct);

        outcome.Result.ShouldBe(RefreshResult.Failed);
        outcome.Message.ShouldContain("Cannot reach Anthropic's token endpoint");
        var during = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        during.Record.Status.ShouldBe(AuthStatus.Refreshing);
        AuthStateText.Describe(during.Record, DateTimeOffset.UtcNow).ShouldStartWith("refreshing (Refreshing failed for now: Cannot reach");
        during.Credentials.RefreshToken.ShouldBe(before.Credentials.RefreshToken);
        during.Credentials.AccessToken.ShouldBe(before.Credentials.AccessToken);
        // Still usable: the token has not expired, and pending is not "needs re-login".
        (await down.GetRequiredService<ICredentialSourceFactory>().Create(during).GetAsync(Ct)).AccessToken.ShouldBe(before.Credentials.AccessToken);

        (await Refresher.RefreshAsync(auth.Id, RefreshTrigger.Forced, null, Ct)).Result.ShouldBe(RefreshResult.Refreshed);
        (await _services.GetRequiredService<AuthService>().GetAsync(auth.Ref, Ct)).Status.ShouldBe(AuthStatus.Active);
    }

    [Fact]
    public async Task The_background_refresher_refreshes_what_is_due_and_skips_the_rest()
    {
        var due = await _bed.LoginAnthropicAsync(_services, "due_one");
        var fresh = await _bed.LoginAnthropicAsync(_services, "fresh_one");
        var gone = await _bed.LoginAnthropicAsync(_services, "gone_one");
        await OAuthTestBed.MakeDueAsync(_services, due.Ref);
        await OAuthTestBed.MakeDueAsync(_services, gone.Ref);
        await _services.GetRequiredService<IAuthStore>().UpdateAsync(gone.Id, new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = "refused" }, Ct);
        var freshBefore = await OAuthTestBed.StoredAsync(_services, fresh.Ref);
        _bed.OAuth.ClearTokenRequests();

        var wait = await _services.GetRequiredService<OAuthRefreshService>().RunOnceAsync(Ct);

        var requests = _bed.OAuth.TokenRequests();
        requests.Count.ShouldBe(1);
        requests[0].RefreshToken.ShouldNotBe(freshBefore.Credentials.RefreshToken);
        (await OAuthTestBed.StoredAsync(_services, due.Ref)).Record.RefreshedAt.ShouldNotBeNull();
        (await OAuthTestBed.StoredAsync(_services, fresh.Ref)).Credentials.AccessToken.ShouldBe(freshBefore.Credentials.AccessToken);
        (await _services.GetRequiredService<AuthService>().GetAsync(gone.Ref, Ct)).Status.ShouldBe(AuthStatus.NeedsRelogin);
        wait.ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));

        // Nothing is due any more: a second round makes no request.
        await _services.GetRequiredService<OAuthRefreshService>().RunOnceAsync(Ct);
        _bed.OAuth.TokenRequests().Count.ShouldBe(1);
    }
}
