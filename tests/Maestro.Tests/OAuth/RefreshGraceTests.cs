using Maestro.Core.Auths;
using Maestro.Core.OAuth;

namespace Maestro.Tests.OAuth;

public sealed class RefreshGraceTests
{
    private static readonly DateTimeOffset Issued = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(60 * 60, 12 * 60)]            // one hour: 20% = 12 min
    [InlineData(8 * 60 * 60, 96 * 60)]        // Anthropic's 8 hours: 96 min
    [InlineData(20 * 60, 5 * 60)]             // 20 min: 20% = 4 min, so the 5-minute minimum
    [InlineData(10 * 60, 5 * 60)]             // 10 min: 5 min (exactly half)
    [InlineData(4 * 60, 2 * 60)]              // 4 min: half its life, so a fresh token is not due at once
    public void Grace_is_the_larger_of_a_fifth_of_the_lifetime_and_five_minutes(int lifetimeSeconds, int graceSeconds)
    {
        RefreshGrace.For(Issued, Issued.AddSeconds(lifetimeSeconds)).ShouldBe(TimeSpan.FromSeconds(graceSeconds));
    }

    [Fact]
    public void An_unknown_lifetime_gets_the_minimum()
    {
        RefreshGrace.For(null, Issued.AddHours(8)).ShouldBe(TimeSpan.FromMinutes(5));
        RefreshGrace.For(Issued.AddHours(9), Issued.AddHours(8)).ShouldBe(TimeSpan.FromMinutes(5));
    }

    [Fact]
    public void Due_from_the_start_of_the_grace_period_and_never_without_an_expiry()
    {
        var credentials = new AuthCredentials { AccessToken = "a", IssuedAt = Issued, ExpiresAt = Issued.AddHours(1) };

        RefreshGrace.DueAt(credentials).ShouldBe(Issued.AddMinutes(48));
        RefreshGrace.IsDue(credentials, Issued.AddMinutes(47)).ShouldBeFalse();
        RefreshGrace.IsDue(credentials, Issued.AddMinutes(48)).ShouldBeTrue();
        RefreshGrace.IsExpired(credentials, Issued.AddMinutes(59)).ShouldBeFalse();
        RefreshGrace.IsExpired(credentials, Issued.AddHours(1)).ShouldBeTrue();
        RefreshGrace.IsDue(new AuthCredentials { AccessToken = "a" }, Issued.AddYears(5)).ShouldBeFalse();
    }

    [Fact]
    public void A_refresh_answer_without_a_new_refresh_token_keeps_the_old_one()
    {
        var old = new AuthCredentials
        {
            AccessToken = "old-access",
            RefreshToken = "old-refresh",
            IdToken = "old-id",
            Extra = new Dictionary<string, string> { ["api_key"] = "sk-kept" },
        };
        var fresh = new AuthCredentials { AccessToken = "new-access", ExpiresAt = Issued.AddHours(1) };

        var merged = OAuthRefresher.Merge(old, fresh, Issued);

        merged.AccessToken.ShouldBe("new-access");
        merged.RefreshToken.ShouldBe("old-refresh");
        merged.IdToken.ShouldBe("old-id");
        merged.ExpiresAt.ShouldBe(Issued.AddHours(1));
        merged.IssuedAt.ShouldBe(Issued);
        merged.ExtraValue("api_key").ShouldBe("sk-kept");
    }
}
