using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Which model to use when the user names none: the provider's documented default for this auth (ANTHROPIC_DEFAULT_MODEL
/// and the like; a ChatGPT login has its own), resolved against the auth's live list the way every model id is (an
/// alias becomes its newest dated snapshot). Never "whatever the list happens to name first": an auth that does not
/// offer the default gets an error naming the models it does offer.
/// </summary>
public sealed class DefaultModels(ModelCatalog catalog, ProviderConnections connections)
{
    public async Task<string?> ResolveAsync(AuthRef auth, string? requested, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            return requested.Trim();
        }

        var (provider, connection) = await connections.ConnectAsync(auth, cancellationToken);
        var preferred = provider.DefaultModelFor(connection.Auth);

        IReadOnlyList<ModelInfo> models;
        try
        {
            models = (await catalog.GetAsync(auth, refresh: false, cancellationToken)).Models;
        }
        catch (MaestroException)
        {
            // Without a list, the documented default is the best guess; a wrong one fails with the provider's message.
            return preferred;
        }

        if (preferred is null)
        {
            throw new ValidationFailedException("model",
                $"No model given, and {provider.Descriptor.Id} has no default model. Choose one of {Offered(models)} (see `maestro models {auth}`).");
        }

        if (models.Count == 0)
        {
            return preferred;
        }

        return ModelResolution.Find(models, preferred)?.Id
            ?? throw new ValidationFailedException("model",
                $"No model given, and {auth} does not offer the default model '{preferred}'. Choose one of {Offered(models)} (see `maestro models {auth}`).");
    }

    private static string Offered(IReadOnlyList<ModelInfo> models)
    {
        const int Shown = 8;
        var ids = string.Join(", ", models.Take(Shown).Select(m => m.Id));
        return models.Count > Shown ? $"{ids} (and {models.Count - Shown} more)" : ids;
    }
}
