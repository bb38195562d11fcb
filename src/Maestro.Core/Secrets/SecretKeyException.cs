using Maestro.Core.Errors;

namespace Maestro.Core.Secrets;

/// <summary>Stored secrets cannot be decrypted with the configured key.</summary>
public sealed class SecretKeyException(string message, string? hint = null) : MaestroException(message, hint)
{
    public override string Code => "secret_key_mismatch";
}
