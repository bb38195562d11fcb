using Microsoft.Extensions.AI;

namespace Maestro.Core.Providers;

/// <summary>
/// One LLM provider: a small set of classes in its own folder, registered under its id.
/// Core code reaches providers only through this interface and <see cref="ProviderRegistry"/>.
/// </summary>
public interface IProvider
{
    ProviderDescriptor Descriptor { get; }

    /// <summary>A chat client bound to one auth. Cheap to create; the HttpClient inside comes from the factory.</summary>
    IChatClient CreateChatClient(ProviderConnection connection);

    /// <summary>Lists models from the provider's live endpoint, following pagination to the end.</summary>
    Task<IReadOnlyList<ModelInfo>> ListModelsAsync(ProviderConnection connection, CancellationToken cancellationToken);
}
