using Maestro.Core.Auths;
using Maestro.Core.Models;
using Maestro.Core.Providers;

namespace Maestro.Core.Context;

/// <summary>
/// The context window of a model: from the auth's live model list when it says (an alias resolves to its dated
/// snapshot), else from the provider's maintained table, else a safe default.
/// </summary>
public sealed class ContextWindows(ModelCatalog catalog)
{
    /// <summary>Used when neither the provider nor its table knows the window: small enough to be safe for current models.</summary>
    public const int Default = 128_000;

    public async Task<int> ForAsync(AuthRef auth, string model, CancellationToken cancellationToken) =>
        await catalog.DescribeAsync(auth, model, cancellationToken) is { ContextWindow: > 0 and var window } ? window : Default;

    /// <summary>The same through a connection already made (a running turn checks every round): no auth read.</summary>
    public async Task<int> ForAsync(IProvider provider, ProviderConnection connection, string model, CancellationToken cancellationToken) =>
        await catalog.DescribeAsync(provider, connection, model, cancellationToken) is { ContextWindow: > 0 and var window } ? window : Default;
}
