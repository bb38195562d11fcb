using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Which model to use when the user names none: the provider's default if this auth can use it, else the first model
/// the auth's live list offers (a ChatGPT login or a local server may not serve the provider's usual default).
/// </summary>
public sealed class DefaultModels(ModelCatalog catalog)
{
    public async Task<string?> ResolveAsync(AuthRef auth, ProviderDescriptor provider, string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        IReadOnlyList<ModelInfo> models;
        try
        {
            models = (await catalog.GetAsync(auth, refresh: false, cancellationToken)).Models;
        }
        catch (Errors.MaestroException)
        {
            // Without a list, the provider's default is the best guess; a wrong one fails with the provider's message.
            return provider.DefaultModel;
        }

        if (provider.DefaultModel is { } preferred)
        {
            foreach (var m in models)
            {
                if (string.Equals(m.Id, preferred, StringComparison.Ordinal))
                {
                    return preferred;
                }
            }
        }

        return models.Count > 0 ? models[0].Id : provider.DefaultModel;
    }
}
