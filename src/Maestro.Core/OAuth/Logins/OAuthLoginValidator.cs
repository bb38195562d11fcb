using Maestro.Core.Auths;
using Maestro.Core.Errors;

namespace Maestro.Core.OAuth.Logins;

/// <summary>
/// Checks a start request before anything is stored: a known OAuth provider and a valid name, a method and mode the
/// provider supports, no API-key auth in the way, and the provider configured for logins.
/// </summary>
public sealed class OAuthLoginValidator(IAuthStore store, AuthService auths, OAuthProviders providers, OAuthLoginMessages messages)
{
    public async Task<OAuthLoginPlan> ValidateAsync(OAuthStartRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        auths.ValidateProvider(request.Provider, AuthType.OAuth, errors);
        AuthService.ValidateName(request.Name, errors);
        errors.ThrowIfAny();

        var provider = providers.Get(request.Provider);
        var method = request.Method ?? provider.Methods[0];
        if (!provider.Methods.Contains(method))
        {
            throw new ValidationFailedException("method",
                $"{messages.Display(provider.ProviderId)} logins support {string.Join(", ", provider.Methods.Select(m => m.ToWire()))}, not {method.ToWire()}.");
        }

        var options = Normalize(provider, request.Options ?? OAuthLoginOptions.Default);
        if (await store.FindAsync(request.Provider, request.Name, cancellationToken) is { Type: AuthType.ApiKey } existing)
        {
            throw new ConflictException($"{existing.Ref} is an API-key auth; an OAuth login cannot replace it.", "name",
                "Choose another name for the login, or remove the API-key auth first.");
        }

        provider.EnsureConfigured();
        return new OAuthLoginPlan(request.Provider, request.Name, provider, method, options);
    }

    private static OAuthLoginOptions Normalize(IOAuthProvider provider, OAuthLoginOptions options)
    {
        var mode = options.Mode?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(mode))
        {
            mode = provider.Modes.Count > 0 ? provider.Modes[0] : null;
        }
        else if (!provider.Modes.Contains(mode))
        {
            throw new ValidationFailedException("mode", provider.Modes.Count == 0
                ? $"'{provider.ProviderId}' logins have no modes; leave mode out."
                : $"'{options.Mode}' is not a mode of {provider.ProviderId} logins: use {string.Join(" or ", provider.Modes)}.");
        }

        if (options.CreateApiKey && !provider.CanCreateApiKey)
        {
            throw new ValidationFailedException("create_api_key", $"{provider.ProviderId} logins cannot create an API key.");
        }

        return options with { Mode = mode };
    }
}
