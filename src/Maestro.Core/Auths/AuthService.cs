using Maestro.Core.Errors;
using Maestro.Core.Providers;

namespace Maestro.Core.Auths;

/// <summary>
/// Creates, lists, renames, re-keys and deletes named auths. The CLI, the REST API and the UI all go through here,
/// so validation and messages are the same everywhere.
/// </summary>
public sealed class AuthService(IAuthStore store, ProviderRegistry providers, TimeProvider time)
{
    public const int MaxApiKeyLength = 4096;

    public Task<IReadOnlyList<AuthRecord>> ListAsync(string? provider, CancellationToken cancellationToken)
    {
        if (provider is not null && !providers.TryGet(provider, out _))
        {
            throw new ValidationFailedException("provider", providers.UnknownMessage(provider));
        }

        return store.ListAsync(provider, cancellationToken);
    }

    public async Task<AuthRecord> GetAsync(AuthRef auth, CancellationToken cancellationToken) =>
        await store.FindAsync(auth.Provider, auth.Name, cancellationToken) ?? throw NotFound(auth);

    public async Task<StoredAuth> GetWithCredentialsAsync(AuthRef auth, CancellationToken cancellationToken) =>
        await store.FindWithCredentialsAsync(auth.Provider, auth.Name, cancellationToken) ?? throw NotFound(auth);

    /// <summary>The auth with its secrets redacted, for <c>auth show</c> and the detail page.</summary>
    public async Task<(AuthRecord Record, IReadOnlyDictionary<string, string> RedactedSecrets)> ShowAsync(
        AuthRef auth, CancellationToken cancellationToken)
    {
        var stored = await GetWithCredentialsAsync(auth, cancellationToken);
        return (stored.Record, stored.Credentials.ToRedacted());
    }

    public async Task<AuthRecord> CreateApiKeyAsync(
        string provider, string name, string? apiKey, string? baseUrl, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateProvider(provider, AuthType.ApiKey, errors);
        ValidateName(name, errors);
        var keyOptional = providers.TryGet(provider, out var p) && p.Descriptor.Supports(ProviderFeatures.ApiKeyOptional);
        var key = keyOptional && string.IsNullOrWhiteSpace(apiKey) ? null : ValidateApiKey(apiKey, errors);
        var normalizedBaseUrl = ValidateBaseUrl(baseUrl, errors);
        errors.ThrowIfAny();

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (normalizedBaseUrl is not null)
        {
            metadata[AuthMetadata.BaseUrl] = normalizedBaseUrl;
        }

        var credentials = new AuthCredentials { ApiKey = key, IssuedAt = time.GetUtcNow() };
        return await store.CreateAsync(new NewAuth(provider, name, AuthType.ApiKey, credentials, metadata), cancellationToken);
    }

    public async Task<AuthRecord> RenameAsync(AuthRef auth, string newName, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        ValidateName(newName, errors, field: "new_name");
        errors.ThrowIfAny();
        var existing = await GetAsync(auth, cancellationToken);
        return existing.Name == newName ? existing : await store.RenameAsync(existing.Id, newName, cancellationToken);
    }

    public async Task<AuthRecord> ReplaceApiKeyAsync(AuthRef auth, string? apiKey, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var key = ValidateApiKey(apiKey, errors);
        errors.ThrowIfAny();
        var stored = await GetWithCredentialsAsync(auth, cancellationToken);
        if (stored.Record.Type != AuthType.ApiKey)
        {
            throw new ValidationFailedException("api_key", $"{auth} is an OAuth login, not an API key; use `maestro auth login` to renew it.");
        }

        return await store.UpdateAsync(
            stored.Record.Id,
            new AuthUpdate
            {
                Credentials = stored.Credentials with { ApiKey = key, IssuedAt = time.GetUtcNow() },
                Status = AuthStatus.Active,
                StatusMessage = "",
            },
            cancellationToken);
    }

    /// <summary>Sets or clears (null/empty) the auth's base URL override.</summary>
    public async Task<AuthRecord> SetBaseUrlAsync(AuthRef auth, string? baseUrl, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        var normalized = ValidateBaseUrl(baseUrl, errors);
        errors.ThrowIfAny();
        var existing = await GetAsync(auth, cancellationToken);
        var metadata = new Dictionary<string, string>(existing.Metadata, StringComparer.Ordinal);
        if (normalized is null)
        {
            metadata.Remove(AuthMetadata.BaseUrl);
        }
        else
        {
            metadata[AuthMetadata.BaseUrl] = normalized;
        }

        return await store.UpdateAsync(existing.Id, new AuthUpdate { Metadata = metadata }, cancellationToken);
    }

    public async Task DeleteAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var existing = await GetAsync(auth, cancellationToken);
        await store.DeleteAsync(existing.Id, cancellationToken);
    }

    public void ValidateProvider(string? provider, AuthType type, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(provider))
        {
            errors.Add("provider", "Provider is required.");
        }
        else if (!providers.TryGet(provider, out var p))
        {
            errors.Add("provider", providers.UnknownMessage(provider));
        }
        else if (!p.Descriptor.Accepts(type))
        {
            errors.Add("provider", $"Provider '{provider}' does not accept {type.ToWire()} auths (it accepts {string.Join(", ", p.Descriptor.AuthTypes.Select(t => t.ToWire()))}).");
        }
    }

    public static void ValidateName(string? name, FieldErrors errors, string field = "name")
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(field, $"Name is required: {AuthNames.Rule}.");
        }
        else if (!AuthNames.IsValid(name))
        {
            errors.Add(field, $"'{name}' is not a valid name: use {AuthNames.Rule}.");
        }
    }

    private static string ValidateApiKey(string? apiKey, FieldErrors errors)
    {
        var key = apiKey?.Trim() ?? "";
        if (key.Length == 0)
        {
            errors.Add("api_key", "API key is empty.");
        }
        else if (key.Length > MaxApiKeyLength)
        {
            errors.Add("api_key", $"API key is longer than {MaxApiKeyLength} characters; paste only the key.");
        }
        else if (key.AsSpan().IndexOfAny([' ', '\t', '\r', '\n']) >= 0)
        {
            errors.Add("api_key", "API key contains whitespace; paste only the key.");
        }

        return key;
    }

    private static string? ValidateBaseUrl(string? baseUrl, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(baseUrl))
        {
            return null;
        }

        if (!Uri.TryCreate(baseUrl.Trim(), UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add("base_url", $"'{baseUrl}' is not an absolute http(s) URL, e.g. https://api.example.com.");
            return null;
        }

        return uri.ToString().TrimEnd('/');
    }

    private NotFoundException NotFound(AuthRef auth) => providers.TryGet(auth.Provider, out _)
        ? new($"No auth named '{auth.Name}' for provider '{auth.Provider}'.", "See `maestro auth list` for the auths you have.")
        : new(providers.UnknownMessage(auth.Provider), "See `maestro providers` for what each offers.");
}
