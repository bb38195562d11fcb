using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Providers.OpenAI.ChatGpt;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.ChatGpt;

/// <summary>ChatGPT logins for adapter tests, without a database.</summary>
public static class ChatGptConnections
{
    public const string Account = "acct-5f0e2c9a-emulated";

    /// <param name="baseUrl">The API base (what core resolves for an auth without a base_url override).</param>
    public static ProviderConnection Create(
        Uri baseUrl, string token, string? account = Account, ICredentialSource? source = null, IReadOnlyDictionary<string, string>? extra = null)
    {
        var metadata = new Dictionary<string, string>
        {
            [AuthMetadata.Mode] = ChatGptBackend.Mode,
            [AuthMetadata.Plan] = "plus",
            [AuthMetadata.Email] = "user@example.com",
        };
        if (account is not null)
        {
            metadata[AuthMetadata.AccountId] = account;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            metadata[key] = value;
        }

        return TestConnections.Create(
            "openai",
            baseUrl,
            new AuthCredentials { AccessToken = token, RefreshToken = "rt-" + token, IdToken = "id-" + token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) },
            type: AuthType.OAuth,
            metadata: metadata,
            source: source);
    }

    /// <summary>An OAuth login whose token was revoked: a 401 yields a fresh one, once.</summary>
    public sealed class RefreshingSource(string stale, string fresh) : ICredentialSource
    {
        public int Refreshes { get; private set; }

        public ValueTask<AuthCredentials> GetAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new AuthCredentials { AccessToken = stale });

        public ValueTask<AuthCredentials?> RefreshAfterRejectionAsync(AuthCredentials rejected, CancellationToken cancellationToken)
        {
            Refreshes++;
            return ValueTask.FromResult<AuthCredentials?>(new AuthCredentials { AccessToken = fresh });
        }
    }
}
