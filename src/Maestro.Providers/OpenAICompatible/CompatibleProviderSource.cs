using Maestro.Core.Providers;
using Microsoft.Extensions.Configuration;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>Registers every declared OpenAI-compatible endpoint as a provider with its own id.</summary>
public sealed class CompatibleProviderSource(IConfiguration configuration, IEnumerable<IProvider> builtIns) : IProviderSource
{
    public IEnumerable<IProvider> GetProviders()
    {
        var builtInIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var provider in builtIns)
        {
            builtInIds.Add(provider.Descriptor.Id);
        }

        var declared = CompatibleProviderDeclarations.Read(configuration, builtInIds);
        var providers = new List<IProvider>(declared.Count);
        foreach (var settings in declared)
        {
            providers.Add(new CompatibleProvider(settings));
        }

        return providers;
    }
}
