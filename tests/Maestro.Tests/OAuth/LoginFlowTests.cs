using System.Net;
using System.Net.Sockets;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.OAuth;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>
/// Whole logins in process against the emulated authorization servers: a real HttpClient plays the browser and follows
/// the redirect to Maestro's loopback callback server.
/// </summary>
public sealed class LoginFlowTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;
    private IServiceProvider _services = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private OAuthLoginService Logins => _services.GetRequiredService<OAuthLoginService>();

    public async ValueTask InitializeAsync()
    {
        _bed = await OAuthTestBed.CreateAsync(postgres, "oauthlogin");
        _services = _bed.Environment.Services();
    }

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task OpenAI_browser_login_comes_back_to_the_loopback_callback_and_saves_a_chatgpt_auth()
    {
        using var events = _services.GetRequiredService<SessionEventHub>().Subscribe(Guid.Empty);
        var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "work"), Ct);
        flow.Method.ShouldBe(OAuthLoginMethod.Callback);
        flow.RedirectUri.ShouldBe(_bed.OpenAIRedirect);
        flow.AuthorizationUrl!.Query.ShouldContain("redirect_uri=" + Uri.EscapeDataString(_bed.OpenAIRedirect.AbsoluteUri));
        flow.AuthorizationUrl.Query.ShouldNotContain("originator");

        var (status, html, final) = await _bed.OpenAsync(flow.AuthorizationUrl);

        status.ShouldBe(HttpStatusCode.OK, html);
        final.GetLeftPart(UriPartial.Path).ShouldBe(_bed.OpenAIRedirect.AbsoluteUri);
        html.ShouldContain("Signed in to OpenAI");
        html.ShouldContain("You can close this tab");
        var done = await Logins.WaitAsync(flow.Id, Ct);
        done.Status.ShouldBe(OAuthFlowStatus.Completed, done.Message);
        done.Message!.ShouldContain("saved as openai/work");

        var stored = await OAuthTestBed.StoredAsync(_services, new AuthRef("openai", "work"));
        stored.Record.Type.ShouldBe(AuthType.OAuth);
        stored.Record.Status.ShouldBe(AuthStatus.Active);
        stored.Record.MetadataValue(AuthMetadata.Mode).ShouldBe("chatgpt");
        stored.Record.MetadataValue(AuthMetadata.AccountId).ShouldBe(_bed.OAuth.User.AccountId);
        stored.Record.MetadataValue(AuthMetadata.Plan).ShouldBe(_bed.OAuth.User.Plan);
        stored.Record.MetadataValue(AuthMetadata.Email).ShouldBe(_bed.OAuth.User.Email);
        stored.Credentials.RefreshToken!.ShouldStartWith("rt_emu_");
        stored.Credentials.IdToken.ShouldNotBeNull();
        stored.Credentials.ExtraValue("api_key")!.ShouldStartWith("sk-proj-emu-");
        stored.Credentials.ExpiresAt.ShouldNotBeNull();
        stored.Record.ExpiresAt!.Value.ShouldBe(stored.Credentials.ExpiresAt!.Value, TimeSpan.FromMilliseconds(1));
        (stored.Credentials.ExpiresAt!.Value - stored.Credentials.IssuedAt!.Value).ShouldBe(TimeSpan.FromHours(1));

        // The callback server stopped after the success: the port is free again.
        await WaitUntilPortIsFreeAsync(_bed.OpenAIRedirect.Port);
        var notices = Drain(events).Where(e => e.Type == OAuthEvents.FlowChanged).Select(e => OAuthFlowNotice.Parse(e.Notice)!).ToList();
        notices.Select(n => n.Status).ShouldBe(["pending", "exchanging", "completed"]);
        notices.ShouldAllBe(n => n.FlowId == flow.Id && n.Auth == "openai/work");
    }

    [Fact]
    public async Task A_failed_api_key_exchange_is_tolerated()
    {
        _bed.OAuth.ApiKeyExchangeFails = true;
        try
        {
            var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "nokey"), Ct);
            (await _bed.OpenAsync(flow.AuthorizationUrl!)).Status.ShouldBe(HttpStatusCode.OK);

            var done = await Logins.WaitAsync(flow.Id, Ct);
            done.Status.ShouldBe(OAuthFlowStatus.Completed);
            done.Message!.ShouldContain("No API key was issued");
            (await OAuthTestBed.StoredAsync(_services, new AuthRef("openai", "nokey"))).Credentials.ExtraValue("api_key").ShouldBeNull();
        }
        finally
        {
            _bed.OAuth.ApiKeyExchangeFails = false;
        }
    }

    [Fact]
    public async Task Gemini_code_assist_login_keeps_the_mode_and_the_email()
    {
        var flow = await Logins.StartAsync(new OAuthStartRequest("gemini", "google", Options: new OAuthLoginOptions("code_assist")), Ct);
        flow.AuthorizationUrl!.Query.ShouldContain("access_type=offline");
        flow.RedirectUri.ShouldBe(_bed.GeminiRedirect);

        var (status, html, _) = await _bed.OpenAsync(flow.AuthorizationUrl);

        status.ShouldBe(HttpStatusCode.OK, html);
        (await Logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        var stored = await OAuthTestBed.StoredAsync(_services, new AuthRef("gemini", "google"));
        stored.Record.MetadataValue(AuthMetadata.Mode).ShouldBe("code_assist");
        stored.Record.MetadataValue(AuthMetadata.Email).ShouldBe(_bed.OAuth.User.Email);
        stored.Credentials.RefreshToken!.ShouldStartWith("1//emu-");
        stored.Credentials.AccessToken!.ShouldStartWith("ya29.emu-");
    }

    [Fact]
    public async Task Anthropic_paste_login_with_an_api_key_created_from_it()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "claude", createApiKey: true);

        auth.MetadataValue(AuthMetadata.Email).ShouldBe(_bed.OAuth.User.Email);
        var stored = await OAuthTestBed.StoredAsync(_services, auth.Ref);
        stored.Credentials.AccessToken!.ShouldStartWith("sk-ant-oat01-emu-");
        stored.Credentials.ExtraValue("api_key")!.ShouldStartWith("sk-ant-api03-emu-");
        (stored.Credentials.ExpiresAt!.Value - stored.Credentials.IssuedAt!.Value).ShouldBe(TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task A_malformed_or_foreign_paste_leaves_the_login_waiting_and_the_right_one_completes_it()
    {
        var flow = await Logins.StartAsync(new OAuthStartRequest("anthropic", "pasted"), Ct);
        flow.Method.ShouldBe(OAuthLoginMethod.Paste);
        var code = await _bed.AnthropicCodeAsync(flow.AuthorizationUrl!);

        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.CompleteAsync(flow.Id, "not a code", Ct)))
            .Errors["code"].Single().ShouldContain("spaces or line breaks");
        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.CompleteAsync(flow.Id, code.Split('#')[0], Ct)))
            .Errors["code"].Single().ShouldContain("has no state");
        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.CompleteAsync(flow.Id, code.Split('#')[0] + "#someone-elses-state", Ct)))
            .Errors["code"].Single().ShouldContain("belongs to another login");
        (await Logins.GetAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Pending);

        (await Logins.CompleteAsync(flow.Id, code, Ct)).Status.ShouldBe(OAuthFlowStatus.Completed);
        (await Should.ThrowAsync<ConflictException>(() => Logins.CompleteAsync(flow.Id, code, Ct))).Message.ShouldContain("already completed");
    }

    [Fact]
    public async Task A_callback_with_a_wrong_state_is_refused_and_stops_the_server()
    {
        var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "forged"), Ct);

        var (status, html, _) = await _bed.OpenAsync(new Uri(flow.RedirectUri + "?code=stolen-code&state=forged-state"));

        status.ShouldBe(HttpStatusCode.BadRequest);
        html.ShouldContain("state that does not match this login");
        var done = await Logins.WaitAsync(flow.Id, Ct);
        done.Status.ShouldBe(OAuthFlowStatus.Failed);
        done.Message!.ShouldContain("state that does not match");
        await WaitUntilPortIsFreeAsync(flow.RedirectUri!.Port);
        (await _services.GetRequiredService<AuthService>().ListAsync(null, Ct)).ShouldNotContain(a => a.Name == "forged");
    }

    [Fact]
    public async Task Denied_consent_fails_the_login_with_a_clear_message()
    {
        _bed.OAuth.DenyConsent = true;
        try
        {
            var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "denied"), Ct);
            var (status, html, _) = await _bed.OpenAsync(flow.AuthorizationUrl!);

            status.ShouldBe(HttpStatusCode.BadRequest);
            html.ShouldContain("not approved at OpenAI (access_denied");
            var done = await Logins.WaitAsync(flow.Id, Ct);
            done.Status.ShouldBe(OAuthFlowStatus.Failed);
            done.Message!.ShouldContain("Start the login again");
        }
        finally
        {
            _bed.OAuth.DenyConsent = false;
        }
    }

    [Fact]
    public async Task An_expired_authorization_code_fails_the_login()
    {
        _bed.OAuth.CodeLifetime = TimeSpan.Zero;
        try
        {
            var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "latecode"), Ct);
            var (status, html, _) = await _bed.OpenAsync(flow.AuthorizationUrl!);

            status.ShouldBe(HttpStatusCode.BadRequest);
            html.ShouldContain("invalid_grant");
            html.ShouldContain("expired");
            (await Logins.WaitAsync(flow.Id, Ct)).Status.ShouldBe(OAuthFlowStatus.Failed);
        }
        finally
        {
            _bed.OAuth.CodeLifetime = TimeSpan.FromMinutes(5);
        }
    }

    [Fact]
    public async Task A_busy_callback_port_is_a_clear_error_naming_the_port_and_the_setting()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, _bed.OpenAIRedirect.Port);
        squatter.Start();

        var error = await Should.ThrowAsync<MaestroException>(() => Logins.StartAsync(new OAuthStartRequest("openai", "busy"), Ct));

        error.Message.ShouldContain($"Port {_bed.OpenAIRedirect.Port} is already in use");
        error.Hint!.ShouldContain("OPENAI_REDIRECT_URI");
    }

    [Fact]
    public async Task Device_login_completes_once_the_user_approves_the_code()
    {
        _bed.OAuth.DevicePollIntervalSeconds = 1;
        var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "headless", OAuthLoginMethod.Device), Ct);
        flow.UserCode!.ShouldMatch("^[A-Z]{4}-[A-Z]{4}$");
        flow.VerificationUrl!.AbsolutePath.ShouldBe("/oauth/openai/codex/device");
        flow.AuthorizationUrl.ShouldBeNull();

        // Maestro polls while the user has not approved yet…
        for (var i = 0; i < 200 && !_bed.OAuth.TokenRequests("openai").Any(r => r.Endpoint == "device_token" && r.Status == 403); i++)
        {
            await Task.Delay(50, Ct);
        }

        // …then the user opens the verification page on another device and approves.
        using var approve = await _bed.Browser.PostAsync(flow.VerificationUrl,
            new FormUrlEncodedContent([new("user_code", flow.UserCode!), new("decision", "approve")]), Ct);
        approve.StatusCode.ShouldBe(HttpStatusCode.OK);

        var done = await Logins.WaitAsync(flow.Id, Ct);
        done.Status.ShouldBe(OAuthFlowStatus.Completed, done.Message);
        var stored = await OAuthTestBed.StoredAsync(_services, new AuthRef("openai", "headless"));
        stored.Record.MetadataValue(AuthMetadata.AccountId).ShouldBe(_bed.OAuth.User.AccountId);
        _bed.OAuth.TokenRequests("openai").ShouldContain(r => r.Endpoint == "device_token" && r.Status == 403);
    }

    [Fact]
    public async Task A_device_code_nobody_approves_expires()
    {
        _bed.OAuth.DevicePollIntervalSeconds = 1;
        _bed.OAuth.DeviceCodeLifetime = TimeSpan.FromSeconds(2);
        try
        {
            var flow = await Logins.StartAsync(new OAuthStartRequest("openai", "nobody", OAuthLoginMethod.Device), Ct);

            var done = await Logins.WaitAsync(flow.Id, Ct);

            done.Status.ShouldBe(OAuthFlowStatus.Expired);
            done.Message!.ShouldContain($"The device code {flow.UserCode} expired before it was approved");
        }
        finally
        {
            _bed.OAuth.DeviceCodeLifetime = TimeSpan.FromMinutes(15);
        }
    }

    [Fact]
    public async Task Methods_modes_and_names_are_validated_before_anything_starts()
    {
        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.StartAsync(new OAuthStartRequest("anthropic", "nodevice", OAuthLoginMethod.Device), Ct)))
            .Errors["method"].Single().ShouldBe("Anthropic logins support paste, not device.");
        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.StartAsync(new OAuthStartRequest("openai", "nomode", Options: new OAuthLoginOptions("code_assist")), Ct)))
            .Errors["mode"].Single().ShouldContain("use chatgpt");
        (await Should.ThrowAsync<ValidationFailedException>(() => Logins.StartAsync(new OAuthStartRequest("openai", "a"), Ct)))
            .Errors.Keys.ShouldBe(["name"]);

        await _services.GetRequiredService<AuthService>().CreateApiKeyAsync("openai", "keyed", "sk-test-0123456789", null, Ct);
        (await Should.ThrowAsync<ConflictException>(() => Logins.StartAsync(new OAuthStartRequest("openai", "keyed"), Ct)))
            .Message.ShouldContain("openai/keyed is an API-key auth");
    }

    [Fact]
    public async Task Gemini_without_a_configured_client_says_which_settings_to_set()
    {
        _bed.Environment.Settings["GEMINI_OAUTH_CLIENT_ID"] = null;
        var services = _bed.Environment.Services();
        _bed.Environment.Settings["GEMINI_OAUTH_CLIENT_ID"] = _bed.Emulator.OAuthSettings()["GEMINI_OAUTH_CLIENT_ID"];

        var error = await Should.ThrowAsync<MaestroException>(() =>
            services.GetRequiredService<OAuthLoginService>().StartAsync(new OAuthStartRequest("gemini", "noclient"), Ct));

        error.Message.ShouldContain("GEMINI_OAUTH_CLIENT_ID and GEMINI_OAUTH_CLIENT_SECRET");
        error.Hint!.ShouldContain("Desktop app");
    }

    [Fact]
    public async Task Logging_in_again_renews_an_auth_that_needs_a_new_login()
    {
        var auth = await _bed.LoginAnthropicAsync(_services, "renewed");
        var store = _services.GetRequiredService<IAuthStore>();
        await store.UpdateAsync(auth.Id, new AuthUpdate { Status = AuthStatus.NeedsRelogin, StatusMessage = "refused" }, Ct);

        var again = await _bed.LoginAnthropicAsync(_services, "renewed");

        again.Id.ShouldBe(auth.Id);
        again.Status.ShouldBe(AuthStatus.Active);
        again.StatusMessage.ShouldBeNull();
    }

    private static List<SessionEvent> Drain(Subscription subscription)
    {
        var events = new List<SessionEvent>();
        while (subscription.Reader.TryRead(out var e))
        {
            events.Add(e);
        }

        return events;
    }

    private static Task WaitUntilPortIsFreeAsync(int port) =>
        Eventually.UntilAsync(() =>
        {
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }, $"port {port} to be free", TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50));
}
