using System.Security.Cryptography;
using Maestro.Core.Configuration;
using Maestro.Core.Secrets;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Secrets;

public sealed class SecretKeyTests
{
    [Fact]
    public void Base64_of_32_bytes_and_long_passphrases_are_accepted_short_ones_are_not()
    {
        var raw = RandomNumberGenerator.GetBytes(32);
        SecretKey.Parse(Convert.ToBase64String(raw), "X").Id.ShouldBe(SecretKey.Parse(Convert.ToBase64String(raw), "X").Id);
        SecretKey.Parse(new string('a', 64), "SECRET_KEY_BASE").Id.Length.ShouldBe(8);

        var error = Should.Throw<SecretKeyException>(() => SecretKey.Parse("short", "MAESTRO_SECRET_KEY"));
        error.Message.ShouldContain("MAESTRO_SECRET_KEY");
        error.Hint!.ShouldContain("openssl rand -base64 32");
    }

    [Fact]
    public void Embedded_mode_generates_the_key_once_into_a_0600_file()
    {
        var home = TestHome.Create("key");
        try
        {
            var first = SecretKeyProvider.Create(_ => null, new MaestroHome(home), embeddedDatabase: true);
            var second = SecretKeyProvider.Create(_ => null, new MaestroHome(home), embeddedDatabase: true);

            second.CurrentKeyId.ShouldBe(first.CurrentKeyId);
            File.GetUnixFileMode(Path.Combine(home, SecretKeyProvider.FileName))
                .ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        finally
        {
            TestHome.Delete(home);
        }
    }

    [Fact]
    public void An_external_database_without_a_configured_key_is_a_clear_error()
    {
        var error = Should.Throw<SecretKeyException>(() =>
            SecretKeyProvider.Create(_ => null, new MaestroHome("/tmp/unused"), embeddedDatabase: false));
        error.Message.ShouldContain("MAESTRO_SECRET_KEY is not set");
    }
}
