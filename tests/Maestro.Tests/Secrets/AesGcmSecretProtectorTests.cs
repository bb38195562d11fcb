using System.Text;
using Maestro.Core.Secrets;

namespace Maestro.Tests.Secrets;

public sealed class AesGcmSecretProtectorTests
{
    private static readonly byte[] Plaintext = Encoding.UTF8.GetBytes("sk-ant-api03-very-secret-value");

    [Fact]
    public void Round_trips_and_never_contains_the_plaintext()
    {
        var protector = new AesGcmSecretProtector(SecretKey.Generate());
        var ciphertext = protector.Protect(Plaintext, "auth:1");

        ciphertext.AsSpan().IndexOf(Plaintext).ShouldBe(-1);
        protector.Unprotect(ciphertext, "auth:1").ShouldBe(Plaintext);
    }

    [Fact]
    public void Encrypting_twice_gives_different_ciphertexts()
    {
        var protector = new AesGcmSecretProtector(SecretKey.Generate());
        protector.Protect(Plaintext, "p").ShouldNotBe(protector.Protect(Plaintext, "p"));
    }

    [Fact]
    public void A_wrong_key_is_reported_with_both_key_ids_never_as_garbage()
    {
        var original = SecretKey.Generate();
        var other = SecretKey.Generate();
        var ciphertext = new AesGcmSecretProtector(original).Protect(Plaintext, "auth:1");

        var error = Should.Throw<SecretKeyException>(() => new AesGcmSecretProtector(other).Unprotect(ciphertext, "auth:1"));

        error.Message.ShouldContain(original.Id);
        error.Message.ShouldContain(other.Id);
        error.Hint!.ShouldContain("MAESTRO_SECRET_KEY");
    }

    [Fact]
    public void A_previous_key_still_decrypts_after_rotation()
    {
        var old = SecretKey.Generate();
        var ciphertext = new AesGcmSecretProtector(old).Protect(Plaintext, "p");

        var rotated = new AesGcmSecretProtector(SecretKey.Generate(), [old]);

        rotated.Unprotect(ciphertext, "p").ShouldBe(Plaintext);
    }

    [Fact]
    public void Ciphertext_is_bound_to_its_purpose_and_tampering_is_detected()
    {
        var protector = new AesGcmSecretProtector(SecretKey.Generate());
        var ciphertext = protector.Protect(Plaintext, "auth:1");

        Should.Throw<SecretKeyException>(() => protector.Unprotect(ciphertext, "auth:2")).Message.ShouldContain("integrity");

        ciphertext[^1] ^= 0x01;
        Should.Throw<SecretKeyException>(() => protector.Unprotect(ciphertext, "auth:1"));
        Should.Throw<SecretKeyException>(() => protector.Unprotect(new byte[5], "auth:1")).Message.ShouldContain("damaged");
    }
}
