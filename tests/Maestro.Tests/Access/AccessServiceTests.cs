using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Access;

/// <summary>Browser sessions, one-time sign-in codes and the password, against the real database with a hand-moved clock.</summary>
public sealed class AccessServiceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private MaestroTestEnvironment _env = null!;
    private AccessService _access = null!;
    private readonly ManualTime _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    private string Token => File.ReadAllText(_access.Token.Path).Trim();

    public async ValueTask InitializeAsync()
    {
        _env = await MaestroTestEnvironment.CreateAsync(postgres, "access");
        var token = new AccessTokenFile(new MaestroHome(_env.Home), null);
        token.EnsureCreated();
        _access = new AccessService(token, _env.Services().GetRequiredService<IAccessStore>(), new AccessOptions(), _time);
    }

    public async ValueTask DisposeAsync() => await _env.DisposeAsync();

    [Fact]
    public async Task A_sign_in_code_works_once_and_only_before_it_expires()
    {
        var code = await _access.CreateSignInCodeAsync(Ct);
        var signedIn = await _access.SignInWithCodeAsync(code, Ct);
        signedIn.ShouldNotBeNull().Method.ShouldBe(SignInMethod.Link);
        (await _access.SignInWithCodeAsync(code, Ct)).ShouldBeNull("a code is used up by its first use");

        var late = await _access.CreateSignInCodeAsync(Ct);
        _time.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        (await _access.SignInWithCodeAsync(late, Ct)).ShouldBeNull("codes last 15 minutes");
        (await _access.SignInWithCodeAsync("", Ct)).ShouldBeNull();
        (await _access.SignInWithCodeAsync(AccessSecrets.Generate(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task A_session_lasts_while_it_is_used_and_ends_after_thirty_idle_days()
    {
        var signedIn = (await _access.SignInAsync(Token, Ct)).ShouldNotBeNull();
        signedIn.Method.ShouldBe(SignInMethod.Token);
        signedIn.ExpiresAt.ShouldBe(_time.GetUtcNow() + TimeSpan.FromDays(30));

        _time.Advance(TimeSpan.FromMinutes(30));
        (await _access.CheckSessionAsync(signedIn.SessionId, Ct)).ShouldNotBeNull().Renewed.ShouldBeFalse("its last use is written at most hourly");

        _time.Advance(TimeSpan.FromHours(1));
        var renewed = (await _access.CheckSessionAsync(signedIn.SessionId, Ct)).ShouldNotBeNull();
        renewed.Renewed.ShouldBeTrue();
        renewed.Session.ExpiresAt.ShouldBe(_time.GetUtcNow() + TimeSpan.FromDays(30));

        _time.Advance(TimeSpan.FromDays(30) + TimeSpan.FromSeconds(1));
        (await _access.CheckSessionAsync(signedIn.SessionId, Ct)).ShouldBeNull();
        (await _access.CheckSessionAsync("not-a-session", Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Rotating_issues_a_new_token_and_ends_every_browser_session_and_unused_link()
    {
        var old = Token;
        var a = (await _access.SignInAsync(old, Ct)).ShouldNotBeNull();
        var b = (await _access.SignInWithCodeAsync(await _access.CreateSignInCodeAsync(Ct), Ct)).ShouldNotBeNull();
        var unused = await _access.CreateSignInCodeAsync(Ct);
        (await _access.StatusAsync(Ct)).BrowserSessions.ShouldBe(2);

        (await _access.RotateAsync(Ct)).ShouldBe(2);

        Token.ShouldNotBe(old);
        _access.TokenMatches(old).ShouldBeFalse();
        _access.TokenMatches(Token).ShouldBeTrue();
        (await _access.CheckSessionAsync(a.SessionId, Ct)).ShouldBeNull();
        (await _access.CheckSessionAsync(b.SessionId, Ct)).ShouldBeNull();
        (await _access.SignInWithCodeAsync(unused, Ct)).ShouldBeNull();
        (await _access.StatusAsync(Ct)).BrowserSessions.ShouldBe(0);
    }

    [Fact]
    public async Task The_password_signs_in_beside_the_token_and_changing_it_ends_every_session()
    {
        (await _access.SignInAsync("correct horse battery staple", Ct)).ShouldBeNull("no password is set yet");
        var before = (await _access.SignInAsync(Token, Ct)).ShouldNotBeNull();

        (await _access.SetPasswordAsync("correct horse battery staple", Ct)).ShouldBe(1);
        (await _access.CheckSessionAsync(before.SessionId, Ct)).ShouldBeNull();
        (await _access.StatusAsync(Ct)).PasswordSet.ShouldBeTrue();

        (await _access.SignInAsync("correct horse battery staple", Ct)).ShouldNotBeNull().Method.ShouldBe(SignInMethod.Password);
        (await _access.SignInAsync("wrong horse battery staple", Ct)).ShouldBeNull();
        (await _access.SignInAsync("", Ct)).ShouldBeNull();
        (await _access.SignInAsync(Token, Ct)).ShouldNotBeNull("the token always works");

        (await _access.SetPasswordAsync(null, Ct)).ShouldBe(2);
        (await _access.SignInAsync("correct horse battery staple", Ct)).ShouldBeNull();
        (await _access.StatusAsync(Ct)).PasswordSet.ShouldBeFalse();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;
}
