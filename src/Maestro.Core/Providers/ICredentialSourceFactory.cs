using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>Chooses how an auth's credentials are obtained: as stored (API keys) or kept fresh (OAuth).</summary>
public interface ICredentialSourceFactory
{
    ICredentialSource Create(StoredAuth auth);
}

/// <summary>Uses the stored credentials as they are.</summary>
public sealed class StoredCredentialSourceFactory : ICredentialSourceFactory
{
    public ICredentialSource Create(StoredAuth auth) => new StaticCredentialSource(auth.Credentials);
}
