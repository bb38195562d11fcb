using Maestro.Core.Auths;
using Maestro.Core.Usage;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Providers;

/// <summary>
/// One LLM provider: a small set of classes in its own folder, registered under its id.
/// Core code reaches providers only through this interface and <see cref="ProviderRegistry"/>.
/// </summary>
public interface IProvider
{
    ProviderDescriptor Descriptor { get; }

    /// <summary>
    /// How the provider serves the auth of <paramref name="connection"/> over HTTP: the backend of its mode, how requests
    /// are signed, how errors read. Its <see cref="ProviderEndpoint.SendAsync"/> sends any request for the auth.
    /// </summary>
    ProviderEndpoint Endpoint(ProviderConnection connection);

    /// <summary>
    /// The bare adapter for one auth: the wire mapping only. Cheap to create; callers use the auth's pipeline from
    /// <see cref="ProviderConnections"/>, which adds telemetry and usage accounting around it.
    /// </summary>
    IChatClient CreateChatClient(ProviderConnection connection);

    /// <summary>Lists models from the provider's live endpoint, following pagination to the end.</summary>
    Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// The model used when the user names none, for this auth: a subscription login may be served other models than an
    /// API key. <see cref="Models.DefaultModels"/> resolves it against the auth's live list.
    /// </summary>
    string? DefaultModelFor(AuthRecord auth) => Descriptor.DefaultModel;

    /// <summary>
    /// What the provider's maintained table knows about a model (context window, output limit, capabilities), for when
    /// the live list does not say; null for a model the table does not know.
    /// </summary>
    ModelInfo? DescribeModel(string modelId) => null;

    /// <summary>The provider's built-in prices (kept in one file in its folder).</summary>
    PriceList Prices => PriceList.Empty;
}
