namespace Maestro.Core.Providers;

/// <summary>Where a provider comes from (<see cref="ProviderDescriptor.Source"/>); declared ones name their variable or file.</summary>
public static class ProviderSources
{
    public const string BuiltIn = "built-in";

    /// <summary>Saved from Maestro (Settings page, API, CLI) in the database: the only ones that can be edited there.</summary>
    public const string Saved = "settings";
}
