using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Core.OAuth;

/// <summary>OAuth auths of providers with an OAuth login get a refreshing source; everything else is used as stored.</summary>
public sealed class OAuthCredentialSourceFactory(OAuthProviders providers, OAuthRefresher refresher, TimeProvider time) : ICredentialSourceFactory
{
    public ICredentialSource Create(StoredAuth auth) =>
        auth.Record.Type == AuthType.OAuth && providers.TryGet(auth.Record.Provider, out _)
            ? new OAuthCredentialSource(auth.Record, auth.Credentials, refresher, time)
            : new StaticCredentialSource(auth.Credentials);
}
