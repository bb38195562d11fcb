using Maestro.Core.Access;
using Maestro.Core.Configuration;
using Maestro.Core.Errors;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Access;

public sealed class AccessTokenFileTests : IDisposable
{
    private readonly string _home = TestHome.Create("token");

    public void Dispose() => TestHome.Delete(_home);

    [Fact]
    public void The_first_start_creates_a_256_bit_token_readable_only_by_its_owner()
    {
        var token = new AccessTokenFile(new MaestroHome(_home), configured: null);
        token.EnsureCreated();

        var path = Path.Combine(_home, "access-token");
        token.Path.ShouldBe(path);
        File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var text = File.ReadAllText(path).Trim();
        text.Length.ShouldBe(43, "32 random bytes in URL-safe base64");
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + "=").Length.ShouldBe(32);
        token.Matches(text).ShouldBeTrue();
        token.Matches(text[..^1] + (text[^1] == 'A' ? 'B' : 'A')).ShouldBeFalse();
        token.Matches("").ShouldBeFalse();

        // Later starts keep it.
        new AccessTokenFile(new MaestroHome(_home), null).EnsureCreated();
        File.ReadAllText(path).Trim().ShouldBe(text);
    }

    [Fact]
    public void A_token_rotated_by_another_process_is_picked_up_without_a_restart()
    {
        var server = new AccessTokenFile(new MaestroHome(_home), null);
        server.EnsureCreated();
        var old = File.ReadAllText(server.Path).Trim();
        server.Matches(old).ShouldBeTrue();

        // `maestro access rotate` is another process with its own view of the file.
        new AccessTokenFile(new MaestroHome(_home), null).Rotate();
        var rotated = File.ReadAllText(server.Path).Trim();

        rotated.ShouldNotBe(old);
        File.GetUnixFileMode(server.Path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        server.Matches(rotated).ShouldBeTrue();
        server.Matches(old).ShouldBeFalse();
        Directory.GetFiles(_home, "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void Processes_racing_on_first_start_agree_on_one_token()
    {
        var tokens = Enumerable.Range(0, 8).Select(_ => new AccessTokenFile(new MaestroHome(_home), null)).ToList();
        Parallel.ForEach(tokens, t => t.EnsureCreated());

        var text = File.ReadAllText(Path.Combine(_home, "access-token")).Trim();
        tokens.ShouldAllBe(t => t.Matches(text));
        Directory.GetFiles(_home, "*.tmp").ShouldBeEmpty();
    }

    [Fact]
    public void MAESTRO_ACCESS_TOKEN_replaces_the_file_and_cannot_be_rotated_here()
    {
        var configured = "a-long-operator-chosen-token-0123456789";
        var token = new AccessTokenFile(new MaestroHome(_home), configured);
        token.EnsureCreated();

        File.Exists(Path.Combine(_home, "access-token")).ShouldBeFalse();
        token.IsConfigured.ShouldBeTrue();
        token.Source.ShouldBe("the environment variable MAESTRO_ACCESS_TOKEN");
        token.Matches(configured).ShouldBeTrue();
        Should.Throw<MaestroException>(token.Rotate).Message.ShouldContain("MAESTRO_ACCESS_TOKEN");

        var weak = Should.Throw<MaestroException>(() => new AccessTokenFile(new MaestroHome(_home), "hunter2"));
        weak.Message.ShouldBe("MAESTRO_ACCESS_TOKEN is too short (7 characters); it must have at least 32.");
        weak.Hint!.ShouldContain("openssl rand");
    }
}
