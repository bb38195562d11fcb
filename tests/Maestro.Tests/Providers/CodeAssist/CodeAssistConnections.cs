using Maestro.Core.Auths;
using Maestro.Core.Providers;
using Maestro.Providers.Gemini.CodeAssist;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.CodeAssist;

/// <summary>Code Assist logins for adapter tests, without a database.</summary>
public static class CodeAssistConnections
{
    /// <param name="baseUrl">The Gemini API base (what core resolves for an auth without a base_url override).</param>
    /// <param name="project">The project found at an earlier first use, or null for a login that was never set up.</param>
    public static ProviderConnection Create(Uri baseUrl, string token, string? project = null, ICredentialSource? source = null)
    {
        var metadata = new Dictionary<string, string> { [AuthMetadata.Mode] = CodeAssistMode.Mode, [AuthMetadata.Email] = "user@example.com" };
        if (project is not null)
        {
            metadata[AuthMetadata.ProjectId] = project;
        }

        return TestConnections.Create(
            "gemini",
            baseUrl,
            new AuthCredentials { AccessToken = token, RefreshToken = "rt-" + token, ExpiresAt = DateTimeOffset.UtcNow.AddHours(1) },
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
