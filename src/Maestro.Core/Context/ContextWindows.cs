using Maestro.Core.Auths;
using Maestro.Core.Models;

namespace Maestro.Core.Context;

/// <summary>The context window of a model, from the auth's live model list when it says, else a safe default.</summary>
public sealed class ContextWindows(ModelCatalog catalog)
{
    /// <summary>Used when the provider does not report a window: small enough to be safe for current models.</summary>
    public const int Default = 128_000;

    public async Task<int> ForAsync(AuthRef auth, string model, CancellationToken cancellationToken)
    {
        try
        {
            var list = await catalog.GetAsync(auth, refresh: false, cancellationToken);
            foreach (var m in list.Models)
            {
                if (string.Equals(m.Id, model, StringComparison.Ordinal) && m.ContextWindow is > 0)
                {
                    return m.ContextWindow.Value;
                }
            }
        }
        catch (Exception ex) when (ex is Errors.MaestroException or HttpRequestException)
        {
            // The list is only a hint here; a provider that cannot list models can still chat.
        }

        return Default;
    }
}
