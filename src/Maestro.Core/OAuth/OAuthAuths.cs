using Maestro.Core.Auths;
using Maestro.Core.Errors;

namespace Maestro.Core.OAuth;

/// <summary>Saves the result of a login or an import as an OAuth auth: created, or renewed in place under its row lock.</summary>
public sealed class OAuthAuths(IAuthStore store, TimeProvider time)
{
    /// <param name="replace">Whether an existing OAuth auth of that name may be renewed (a login always may).</param>
    /// <param name="replaceHint">What to tell the user when it exists and may not be replaced.</param>
    public async Task<AuthRecord> SaveAsync(
        string provider, string name, OAuthGrant grant, bool replace, string? replaceHint, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var credentials = grant.Credentials with { IssuedAt = grant.Credentials.IssuedAt ?? now };
        var existing = await store.FindAsync(provider, name, cancellationToken);
        if (existing is null)
        {
            try
            {
                return await store.CreateAsync(new NewAuth(provider, name, AuthType.OAuth, credentials, grant.Metadata, credentials.ExpiresAt), cancellationToken);
            }
            catch (ConflictException) when (replace)
            {
                // Created meanwhile by another process: renew that one.
                existing = await store.FindAsync(provider, name, cancellationToken);
                if (existing is null)
                {
                    throw;
                }
            }
        }

        if (existing.Type != AuthType.OAuth)
        {
            throw new ConflictException($"{existing.Ref} is an API-key auth; an OAuth login cannot replace it.", "name",
                "Choose another name, or remove the API-key auth first.");
        }

        if (!replace)
        {
            throw new ConflictException($"{existing.Ref} already exists.", "name", replaceHint);
        }

        // Under the row lock: a refresh in another process must not overwrite the new tokens with older ones.
        await store.WithExclusiveLockAsync(existing.Id, (stored, _) =>
        {
            var metadata = new Dictionary<string, string>(stored.Record.Metadata, StringComparer.Ordinal);
            // A project found for one mode (e.g. by onboarding) does not carry over to another.
            if (grant.Metadata.GetValueOrDefault(AuthMetadata.Mode) != metadata.GetValueOrDefault(AuthMetadata.Mode))
            {
                metadata.Remove(AuthMetadata.ProjectId);
            }

            foreach (var (key, value) in grant.Metadata)
            {
                metadata[key] = value;
            }

            var update = AuthUpdate.FreshTokens(credentials, metadata, now);
            return Task.FromResult<(AuthUpdate?, bool)>((update, true));
        }, cancellationToken);

        return await store.FindAsync(provider, name, cancellationToken)
            ?? throw new NotFoundException($"{provider}/{name} was deleted while it was being saved.");
    }
}
