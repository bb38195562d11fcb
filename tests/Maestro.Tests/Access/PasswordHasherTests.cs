using Maestro.Core.Access;
using Maestro.Core.Errors;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Access;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_password_is_stored_as_a_salted_pbkdf2_hash_with_600000_iterations()
    {
        var stored = PasswordHasher.Hash("correct horse battery staple");

        var parts = stored.Split('$');
        parts[0].ShouldBe("pbkdf2-sha256");
        parts[1].ShouldBe("600000");
        Convert.FromBase64String(parts[2]).Length.ShouldBe(16);
        Convert.FromBase64String(parts[3]).Length.ShouldBe(32);
        stored.ShouldNotContain("horse");

        PasswordHasher.Verify("correct horse battery staple", stored).ShouldBeTrue();
        PasswordHasher.Verify("correct horse battery stapl", stored).ShouldBeFalse();
        PasswordHasher.Verify("Correct horse battery staple", stored).ShouldBeFalse();

        // The salt makes every hash different, even of the same password.
        PasswordHasher.Hash("correct horse battery staple").ShouldNotBe(stored);
    }

    [Theory]
    [InlineData("")]
    [InlineData("pbkdf2-sha256$600000$not base64$AAAA")]
    [InlineData("md5$1$AAAA$AAAA")]
    [InlineData("pbkdf2-sha256$-5$AAAA$AAAA")]
    public void A_malformed_stored_hash_never_verifies(string stored) =>
        PasswordHasher.Verify("whatever-password", stored).ShouldBeFalse();

    [Fact]
    public void New_passwords_follow_clear_rules()
    {
        Should.Throw<ValidationFailedException>(() => PasswordHasher.Validate("short"))
            .Errors["password"].ShouldBe(["The password is too short (5 characters); use at least 8."]);
        Should.Throw<ValidationFailedException>(() => PasswordHasher.Validate(new string('x', 1025)))
            .Errors["password"].ShouldBe(["The password is too long (1025 characters); use at most 1024."]);
        Should.Throw<ValidationFailedException>(() => PasswordHasher.Validate("line one\nline two"))
            .Errors["password"][0].ShouldContain("control character");
        PasswordHasher.Validate("eight ch");
    }
}
