using Maestro.Core.Auths;
using Maestro.Core.Errors;

namespace Maestro.Core.Models;

/// <summary>
/// Checks a model id against the auth's live list before a session is saved with it, so a typo is caught on Apply
/// instead of on the first turn. An alias of a listed dated id counts as listed. When the list cannot be fetched (the
/// provider is unreachable, the key is refused) the model is accepted: the check is a help, not a gate. Endpoints that
/// serve models they do not list (proxies, gateways, the emulator's synthetic models) are used by forcing the model.
/// </summary>
public sealed class ModelValidation(ModelCatalog catalog, TimeProvider time)
{
    /// <summary>
    /// A cached list younger than this is trusted when it lacks the model: asking the provider again on every create that
    /// names an unlisted model would fetch the live list per request.
    /// </summary>
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromMinutes(1);

    public const string ForceHint = "To use a model this auth does not list, force it: `--force-model` (CLI), \"force_model\": true (API) or \"Use it even if unlisted\" (session form).";

    /// <summary>Null when the auth offers <paramref name="model"/> (or cannot say); otherwise what is wrong, naming close matches.</summary>
    public async Task<string?> ProblemAsync(AuthRef auth, string model, CancellationToken cancellationToken)
    {
        ModelList list;
        try
        {
            list = await catalog.GetAsync(auth, refresh: false, cancellationToken);
            if (list.FromCache && time.GetUtcNow() - list.FetchedAt >= RecheckAfter && ModelResolution.Find(list.Models, model) is null)
            {
                // A model released since the list was cached: ask again before calling it unknown.
                list = await catalog.GetAsync(auth, refresh: true, cancellationToken);
            }
        }
        catch (Exception ex) when (ex is MaestroException or HttpRequestException)
        {
            return null;
        }

        if (list.Models.Count == 0 || ModelResolution.Find(list.Models, model) is not null)
        {
            return null;
        }

        var close = ModelResolution.CloseMatches(list.Models, model);
        var suggestion = close.Count > 0
            ? $" Close matches: {string.Join(", ", close)}."
            : $" See the {list.Models.Count} models it offers with `maestro models {auth}`.";
        return $"'{model}' is not a model {auth} offers.{suggestion} {ForceHint}";
    }
}
