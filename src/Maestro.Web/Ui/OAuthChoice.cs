using Maestro.Core.OAuth;
using Maestro.Core.Providers;

namespace Maestro.Web.Ui;

/// <summary>One provider's OAuth login as the sign-in form offers it: its methods (first = default), modes and API-key option.</summary>
/// <param name="ModeLabels">How each mode reads, in the provider's words.</param>
/// <param name="Notes">What the provider permits, shown beside the form.</param>
public sealed record OAuthChoice(
    string Id,
    string DisplayName,
    IReadOnlyList<OAuthLoginMethod> Methods,
    IReadOnlyList<string> Modes,
    IReadOnlyDictionary<string, string> ModeLabels,
    bool CanCreateApiKey,
    string? Notes)
{
    /// <summary>The OAuth logins of the registered providers, by display order (id).</summary>
    public static IReadOnlyList<OAuthChoice> All(OAuthProviders providers, ProviderRegistry registry)
    {
        var choices = new List<OAuthChoice>();
        foreach (var provider in providers.All.OrderBy(p => p.ProviderId, StringComparer.Ordinal))
        {
            if (registry.TryGet(provider.ProviderId, out var registered))
            {
                var d = registered.Descriptor;
                var labels = provider.Modes.ToDictionary(m => m, provider.DescribeMode, StringComparer.Ordinal);
                choices.Add(new OAuthChoice(provider.ProviderId, d.DisplayName, provider.Methods, provider.Modes, labels, provider.CanCreateApiKey, d.Notes));
            }
        }

        return choices;
    }

    /// <summary>How a method reads in the form.</summary>
    public static (string Label, string Help) Describe(OAuthLoginMethod method) => method switch
    {
        OAuthLoginMethod.Callback => ("Browser on this machine", "The sign-in page sends the browser back to Maestro, which finishes by itself."),
        OAuthLoginMethod.Paste => ("Paste a code", "After signing in, paste the code the page shows (or the address the browser ends on)."),
        _ => ("Another device", "Enter a short code at the provider's page on any device; Maestro waits for the approval."),
    };

    /// <summary>How a mode reads in the form; an unknown mode shows its id.</summary>
    public string DescribeMode(string mode) => ModeLabels.GetValueOrDefault(mode, mode);
}
