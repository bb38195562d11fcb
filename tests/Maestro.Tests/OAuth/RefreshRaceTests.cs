using Maestro.Core.Auths;
using Maestro.Core.OAuth;
using Maestro.Core.Providers;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.OAuth;

/// <summary>
/// The two-process race: separate `maestro` processes and concurrent refreshes in this process (through two service
/// containers, as two instances would have) share one database and the emulated token endpoint. Refresh tokens rotate
/// and a reused one revokes the login, so exactly one token request per rotation is the only correct outcome.
/// </summary>
public sealed class RefreshRaceTests(PostgresFixture postgres) : IAsyncLifetime
{
    private OAuthTestBed _bed = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _bed = await OAuthTestBed.CreateAsync(postgres, "oauthrace");

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_due_token_is_refreshed_with_exactly_one_token_request_by_two_processes_and_concurrent_callers()
    {
        var first = _bed.Environment.Services();
        var second = _bed.Environment.Services();
        var auth = await _bed.LoginAnthropicAsync(first, "race");
        await OAuthTestBed.MakeDueAsync(first, auth.Ref);
        var due = await OAuthTestBed.StoredAsync(first, auth.Ref);
        _bed.OAuth.ClearTokenRequests();
        // A slow token endpoint keeps the first refresh in flight while the others arrive.
        _bed.OAuth.TokenDelay = TimeSpan.FromSeconds(1);

        var processes = Enumerable.Range(0, 2)
            .Select(_ => CliRunner.RunAsync(_bed.Environment.Settings, ["models", "anthropic/race", "--refresh", "--json"]))
            .ToList();
        var inProcess = Enumerable.Range(0, 8).Select(i =>
        {
            var services = i % 2 == 0 ? first : second;
            return services.GetRequiredService<ICredentialSourceFactory>().Create(due).GetAsync(Ct).AsTask();
        }).ToList();

        var credentials = await Task.WhenAll(inProcess);
        foreach (var process in await Task.WhenAll(processes))
        {
            process.ExitCode.ShouldBe(0, process.ToString());
            process.Stdout.ShouldContain("\"models\"");
        }

        var refreshes = _bed.OAuth.TokenRequests("anthropic").Where(r => r.GrantType == "refresh_token").ToList();
        refreshes.Count.ShouldBe(1);
        refreshes[0].Status.ShouldBe(200);
        refreshes[0].RefreshToken.ShouldBe(due.Credentials.RefreshToken);
        var stored = await OAuthTestBed.StoredAsync(first, auth.Ref);
        stored.Record.Status.ShouldBe(AuthStatus.Active);
        stored.Credentials.RefreshToken.ShouldBe(_bed.OAuth.CurrentRefreshToken(due.Credentials.RefreshToken!));
        credentials.ShouldAllBe(c => c.AccessToken == stored.Credentials.AccessToken);
    }

    [Fact]
    public async Task Forced_refreshes_racing_from_two_processes_never_reuse_a_refresh_token()
    {
        var services = _bed.Environment.Services();
        var auth = await _bed.LoginAnthropicAsync(services, "forced");
        var before = await OAuthTestBed.StoredAsync(services, auth.Ref);
        _bed.OAuth.ClearTokenRequests();
        _bed.OAuth.TokenDelay = TimeSpan.FromMilliseconds(500);

        var processes = Enumerable.Range(0, 2)
            .Select(_ => CliRunner.RunAsync(_bed.Environment.Settings, ["auth", "refresh", "anthropic/forced"]))
            .ToList();
        var inProcess = Enumerable.Range(0, 4)
            .Select(_ => services.GetRequiredService<OAuthRefresher>().RefreshAsync(auth.Id, RefreshTrigger.Forced, before.Credentials.AccessToken, Ct))
            .ToList();

        var outcomes = await Task.WhenAll(inProcess);
        foreach (var process in await Task.WhenAll(processes))
        {
            process.ExitCode.ShouldBe(0, process.ToString());
        }

        // Concurrent callers that saw the same token share one rotation; a process that started later may rotate again,
        // but every rotation presents the newest refresh token exactly once.
        outcomes.Select(o => o.Credentials.AccessToken).Distinct().Count().ShouldBe(1);
        var refreshes = _bed.OAuth.TokenRequests("anthropic").Where(r => r.GrantType == "refresh_token").ToList();
        refreshes.ShouldNotBeEmpty();
        refreshes.ShouldAllBe(r => r.Status == 200 && r.Error == null);
        refreshes.Select(r => r.RefreshToken).Distinct().Count().ShouldBe(refreshes.Count);
        refreshes[0].RefreshToken.ShouldBe(before.Credentials.RefreshToken);
        var stored = await OAuthTestBed.StoredAsync(services, auth.Ref);
        stored.Record.Status.ShouldBe(AuthStatus.Active);
        stored.Credentials.RefreshToken.ShouldBe(_bed.OAuth.CurrentRefreshToken(before.Credentials.RefreshToken!));
    }
}
