using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Emulator;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>A 401 during inference: the OAuth login is refreshed once and the request retried once, through a real chat call.</summary>
public sealed class RejectionRetryTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private IServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthretry");
        _services = _bed.Environment.Services();
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_revoked_access_token_is_refreshed_once_and_the_chat_retried_once()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "chatting");
        var old = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        // The provider stops honouring the token although Maestro believes it is valid for another hour.
        _bed.OAuth.RevokeAccessToken(old.Credentials.AccessToken!).ShouldBeTrue();
        _bed.OAuth.ClearTokenRequests();
        _bed.Emulator.Control.Enqueue("*", ScriptedResponse.FromText("Answered after a refresh."));

        var client = await _services.GetRequiredService<ProviderConnections>().CreateChatClientAsync(auth.Ref, Ct);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, Ct);

        response.Text.ShouldBe("Answered after a refresh.");
        var fresh = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        fresh.Credentials.AccessToken.ShouldNotBe(old.Credentials.AccessToken);
        _bed.Emulator.Control.Requests(old.Credentials.AccessToken).Count.ShouldBe(1);
        _bed.Emulator.Control.Requests(fresh.Credentials.AccessToken).Single().Headers["authorization"].ShouldBe("Bearer [redacted]");
        _bed.OAuth.TokenRequests().Single().GrantType.ShouldBe("refresh_token");
    }

    [Fact]
    public async Task Gemini_api_mode_recovers_from_a_401_the_same_way()
    {
        var logins = _services.GetRequiredService<OAuthLoginService>();
        var flow = await logins.StartAsync(new OAuthStartRequest("gemini", "google"), Ct);
        await _bed.OpenAsync(flow.AuthorizationUrl!);
        (await logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        var old = await OAuthTestBed.StoredAsync(_services, new AuthRef("gemini", "google"));
        _bed.OAuth.RevokeAccessToken(old.Credentials.AccessToken!);
        _bed.Emulator.Control.Enqueue("*", ScriptedResponse.FromText("Gemini again."));

        var client = await _services.GetRequiredService<ProviderConnections>().CreateChatClientAsync(old.Record.Ref, Ct);
        var response = await client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { ModelId = "gemini-2.5-flash" }, Ct);

        response.Text.ShouldBe("Gemini again.");
        _bed.Emulator.Control.Requests(old.Credentials.AccessToken).Count.ShouldBe(1);
    }

    [Fact]
    public async Task When_the_refresh_is_refused_too_the_authentication_error_surfaces_and_the_auth_needs_a_login()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "lost");
        var old = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        _bed.OAuth.RevokeLogin(old.Credentials.RefreshToken!);

        var client = await _services.GetRequiredService<ProviderConnections>().CreateChatClientAsync(auth.Ref, Ct);
        var error = await Should.ThrowAsync<ProviderException>(() =>
            client.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello")], new ChatOptions { ModelId = "claude-sonnet-4-5" }, Ct));

        error.Kind.ShouldBe(ProviderErrorKind.Authentication);
        _bed.Emulator.Control.Requests(old.Credentials.AccessToken).Count.ShouldBe(1);
        (await _services.GetRequiredService<AuthService>().GetAsync(auth.Ref, Ct)).Status.ShouldBe(AuthStatus.NeedsRelogin);
    }
}
