using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Maestro.Core.OAuth;
using Maestro.Emulator;

namespace Maestro.Tests.OAuth;

/// <summary>The emulated authorization servers over real HTTP, as a client that is not Maestro would see them.</summary>
public sealed class EmulatedAuthorizationServerTests : IAsyncLifetime
{
    private const string ClientId = "test-client";
    private const string Redirect = "http://localhost:9/callback";
    private EmulatorServer _emulator = null!;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = false });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _emulator = await EmulatorServer.StartAsync(new EmulatorOptions());

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Authorize_redirects_with_a_code_and_the_state_and_the_code_exchanges_once_with_pkce()
    {
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync("openai", pkce, "state-1");

        var wrongVerifier = await TokenFormAsync("/oauth/openai/oauth/token", Code(code, Pkce.Create().Verifier));
        wrongVerifier.Status.ShouldBe(400);
        wrongVerifier.Json.GetProperty("error_description").GetString()!.ShouldContain("code_verifier");

        // The failed attempt consumed the code, as real servers do.
        var again = await TokenFormAsync("/oauth/openai/oauth/token", Code(code, pkce.Verifier));
        again.Json.GetProperty("error").GetString().ShouldBe("invalid_grant");

        var fresh = Pkce.Create();
        var tokens = await TokenFormAsync("/oauth/openai/oauth/token", Code(await AuthorizeAsync("openai", fresh, "state-2"), fresh.Verifier));
        tokens.Status.ShouldBe(200, tokens.Json.ToString());
        var claims = JwtClaims.Read(tokens.Json.GetProperty("id_token").GetString());
        JwtClaims.String(claims, "email").ShouldBe(_emulator.OAuth.User.Email);
        tokens.Json.GetProperty("refresh_token").GetString()!.ShouldStartWith("rt_emu_");
        tokens.Json.GetProperty("expires_in").GetInt32().ShouldBe(3600);
    }

    [Fact]
    public async Task Denied_consent_redirects_with_access_denied()
    {
        var url = AuthorizeUrl("openai", Pkce.Create(), "st") + "&emulator_consent=deny";
        using var response = await _http.GetAsync(url, Ct);

        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        var location = response.Headers.Location!.ToString();
        location.ShouldStartWith(Redirect + "?error=access_denied");
        location.ShouldContain("state=st");
    }

    [Fact]
    public async Task An_expired_code_is_refused()
    {
        _emulator.OAuth.CodeLifetime = TimeSpan.Zero;
        try
        {
            var pkce = Pkce.Create();
            var result = await TokenFormAsync("/oauth/openai/oauth/token", Code(await AuthorizeAsync("openai", pkce, "s"), pkce.Verifier));

            result.Status.ShouldBe(400);
            result.Json.GetProperty("error").GetString().ShouldBe("invalid_grant");
            result.Json.GetProperty("error_description").GetString()!.ShouldContain("expired");
        }
        finally
        {
            _emulator.OAuth.CodeLifetime = TimeSpan.FromMinutes(5);
        }
    }

    [Fact]
    public async Task Refresh_tokens_rotate_and_a_reused_one_revokes_the_login()
    {
        var first = await OpenAILoginAsync();
        var rotated = await RefreshAsync(first);
        rotated.Status.ShouldBe(200);
        var second = rotated.Json.GetProperty("refresh_token").GetString()!;
        second.ShouldNotBe(first);

        var reused = await RefreshAsync(first);
        reused.Status.ShouldBe(401);
        reused.Json.GetProperty("error").GetProperty("code").GetString().ShouldBe("refresh_token_reused");

        // The whole login is gone: the newest refresh token and the access tokens stop working too.
        var afterRevocation = await RefreshAsync(second);
        afterRevocation.Status.ShouldBe(401);
        afterRevocation.Json.GetProperty("error").GetProperty("code").GetString().ShouldBe("refresh_token_invalidated");
        var access = rotated.Json.GetProperty("access_token").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_emulator.BaseUrl, "/openai/v1/models"));
        request.Headers.Authorization = new("Bearer", access);
        (await _http.SendAsync(request, Ct)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var log = _emulator.OAuth.TokenRequests("openai").Where(r => r.GrantType == "refresh_token").ToList();
        log.Select(r => r.Error).ShouldBe([null, "refresh_token_reused", "refresh_token_invalidated"]);
    }

    [Fact]
    public async Task Anthropic_takes_json_with_the_state_and_answers_with_the_account()
    {
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync("anthropic", pkce, "anth-state");
        var form = await TokenFormAsync("/oauth/anthropic/v1/oauth/token", Code(code, pkce.Verifier));
        form.Status.ShouldBe(400);
        form.Json.GetProperty("error").GetString().ShouldBe("invalid_request");

        var pkce2 = Pkce.Create();
        var code2 = await AuthorizeAsync("anthropic", pkce2, "anth-state");
        var json = await PostJsonAsync("/oauth/anthropic/v1/oauth/token", new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code2,
            ["state"] = "anth-state",
            ["client_id"] = ClientId,
            ["redirect_uri"] = Redirect,
            ["code_verifier"] = pkce2.Verifier,
        });
        json.Status.ShouldBe(200, json.Json.ToString());
        json.Json.GetProperty("account").GetProperty("email_address").GetString().ShouldBe(_emulator.OAuth.User.Email);
        json.Json.GetProperty("access_token").GetString()!.ShouldStartWith("sk-ant-oat01-");

        using var create = new HttpRequestMessage(HttpMethod.Post, new Uri(_emulator.BaseUrl, "/anthropic/api/oauth/claude_cli/create_api_key")) { Content = JsonContent.Create(new { }) };
        create.Headers.Authorization = new("Bearer", json.Json.GetProperty("access_token").GetString());
        using var created = await _http.SendAsync(create, Ct);
        created.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await created.Content.ReadAsStringAsync(Ct)).ShouldContain("\"raw_key\":\"sk-ant-api03-");
    }

    [Fact]
    public async Task Google_needs_offline_access_for_a_refresh_token_and_does_not_rotate_it()
    {
        var pkce = Pkce.Create();
        var code = await AuthorizeAsync("google", pkce, "g", "&access_type=offline&scope=openid%20email");
        var fields = Code(code, pkce.Verifier);
        fields.Add(new("client_secret", "secret"));
        var tokens = await TokenFormAsync("/oauth/google/token", fields);
        tokens.Status.ShouldBe(200, tokens.Json.ToString());
        var refresh = tokens.Json.GetProperty("refresh_token").GetString()!;

        var refreshed = await TokenFormAsync("/oauth/google/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", ClientId), new("client_secret", "secret")]);
        refreshed.Status.ShouldBe(200);
        refreshed.Json.TryGetProperty("refresh_token", out _).ShouldBeFalse();
        // Google's key order, as recorded in Fixtures/providers/oauth.
        refreshed.Json.EnumerateObject().Select(p => p.Name).ShouldBe(["access_token", "expires_in", "id_token", "scope", "token_type"]);

        // The same refresh token keeps working.
        (await TokenFormAsync("/oauth/google/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refresh), new("client_id", ClientId), new("client_secret", "secret")])).Status.ShouldBe(200);
    }

    [Fact]
    public async Task Device_codes_are_pending_until_approved_then_yield_an_authorization_code()
    {
        var start = await PostJsonAsync("/oauth/openai/api/accounts/deviceauth/usercode", new Dictionary<string, string> { ["client_id"] = ClientId });
        start.Status.ShouldBe(200);
        var id = start.Json.GetProperty("device_auth_id").GetString()!;
        var userCode = start.Json.GetProperty("user_code").GetString()!;
        start.Json.GetProperty("interval").GetString().ShouldBe("5");

        var poll = new Dictionary<string, string> { ["device_auth_id"] = id, ["user_code"] = userCode };
        (await PostJsonAsync("/oauth/openai/api/accounts/deviceauth/token", poll)).Status.ShouldBe(403);

        using (var approve = await _http.PostAsync(new Uri(_emulator.BaseUrl, "/oauth/openai/codex/device"),
            new FormUrlEncodedContent([new("user_code", userCode), new("decision", "approve")]), Ct))
        {
            approve.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var approved = await PostJsonAsync("/oauth/openai/api/accounts/deviceauth/token", poll);
        approved.Status.ShouldBe(200);
        var tokens = await TokenFormAsync("/oauth/openai/oauth/token",
        [
            new("grant_type", "authorization_code"), new("code", approved.Json.GetProperty("authorization_code").GetString()!),
            new("redirect_uri", new Uri(_emulator.BaseUrl, "/oauth/openai/deviceauth/callback").AbsoluteUri),
            new("client_id", ClientId), new("code_verifier", approved.Json.GetProperty("code_verifier").GetString()!),
        ]);
        tokens.Status.ShouldBe(200, tokens.Json.ToString());
    }

    [Fact]
    public async Task The_id_token_exchanges_for_an_api_key_unless_told_to_refuse()
    {
        var pkce = Pkce.Create();
        var tokens = await TokenFormAsync("/oauth/openai/oauth/token", Code(await AuthorizeAsync("openai", pkce, "s"), pkce.Verifier));
        List<KeyValuePair<string, string>> exchange =
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"), new("client_id", ClientId),
            new("requested_token", "openai-api-key"), new("subject_token", tokens.Json.GetProperty("id_token").GetString()!),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:id_token"),
        ];

        var key = await TokenFormAsync("/oauth/openai/oauth/token", exchange);
        key.Status.ShouldBe(200);
        key.Json.GetProperty("access_token").GetString()!.ShouldStartWith("sk-proj-emu-");

        _emulator.OAuth.ApiKeyExchangeFails = true;
        try
        {
            (await TokenFormAsync("/oauth/openai/oauth/token", exchange)).Status.ShouldBe(401);
        }
        finally
        {
            _emulator.OAuth.ApiKeyExchangeFails = false;
        }
    }

    private async Task<string> OpenAILoginAsync()
    {
        var pkce = Pkce.Create();
        var tokens = await TokenFormAsync("/oauth/openai/oauth/token", Code(await AuthorizeAsync("openai", pkce, "s"), pkce.Verifier));
        return tokens.Json.GetProperty("refresh_token").GetString()!;
    }

    private Task<(int Status, JsonElement Json)> RefreshAsync(string refreshToken) => PostJsonAsync("/oauth/openai/oauth/token",
        new Dictionary<string, string> { ["client_id"] = ClientId, ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    private string AuthorizeUrl(string provider, PkceCodes pkce, string state, string extra = "")
    {
        var path = provider switch
        {
            "openai" => "/oauth/openai/oauth/authorize",
            "anthropic" => "/oauth/anthropic/oauth/authorize",
            _ => "/oauth/google/o/oauth2/v2/auth",
        };
        var scope = provider == "openai" ? "&scope=openid%20profile%20email%20offline_access" : "";
        return new Uri(_emulator.BaseUrl, path) +
            $"?response_type=code&client_id={ClientId}&redirect_uri={Uri.EscapeDataString(Redirect)}&code_challenge={pkce.Challenge}&code_challenge_method=S256&state={state}{scope}{extra}";
    }

    private async Task<string> AuthorizeAsync(string provider, PkceCodes pkce, string state, string extra = "")
    {
        using var response = await _http.GetAsync(AuthorizeUrl(provider, pkce, state, extra), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.Found);
        var code = PastedCode.Parse(response.Headers.Location!.ToString());
        code.State.ShouldBe(state);
        return code.Code!;
    }

    private static List<KeyValuePair<string, string>> Code(string code, string verifier) =>
    [
        new("grant_type", "authorization_code"), new("code", code), new("redirect_uri", Redirect), new("client_id", ClientId), new("code_verifier", verifier),
    ];

    private async Task<(int Status, JsonElement Json)> TokenFormAsync(string path, List<KeyValuePair<string, string>> fields)
    {
        using var response = await _http.PostAsync(new Uri(_emulator.BaseUrl, path), new FormUrlEncodedContent(fields), Ct);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }

    private async Task<(int Status, JsonElement Json)> PostJsonAsync(string path, Dictionary<string, string> fields)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_emulator.BaseUrl, path), fields, Ct);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone());
    }
}
