using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Core.Providers.Saved;

namespace Maestro.Providers.OpenAICompatible;

/// <summary>
/// Saved OpenAI-compatible providers: the same validation as the environment and providers.json
/// (<see cref="CompatibleProviderDeclarations"/>), reporting every problem by field instead of stopping at the first.
/// </summary>
public sealed class CompatibleProviderFactory : IProviderDeclarationFactory
{
    public ProviderDeclaration Parse(IReadOnlyDictionary<string, string?> fields)
    {
        var errors = new FieldErrors();
        foreach (var name in fields.Keys)
        {
            if (!ProviderDeclaration.FieldNames.Contains(name))
            {
                errors.Add(name, $"Unknown field '{name}'. Known: {string.Join(", ", ProviderDeclaration.FieldNames)}.");
            }
        }

        var id = Value(fields, "id")?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            errors.Add("id", $"The id is required: {CompatibleProviderDeclarations.IdRule} (e.g. ollama); auths are then named id/NAME.");
        }
        else if (!CompatibleProviderDeclarations.IdPattern().IsMatch(id))
        {
            errors.Add("id", $"'{id}' is not a valid provider id: {CompatibleProviderDeclarations.IdRule}.");
        }

        var settings = CompatibleProviderDeclarations.Build(
            id ?? "",
            ProviderSources.Saved,
            name => Value(fields, name.ToLowerInvariant()),
            (name, value, problem) =>
            {
                var field = name.ToLowerInvariant();
                errors.Add(field, value is null ? $"{field} {problem}" : $"'{value}' {problem}");
            });
        errors.ThrowIfAny();
        return ToDeclaration(settings!);
    }

    public IProvider Create(ProviderDeclaration declaration)
    {
        // Saved rows were validated when saved; a row that no longer validates is reported, not served.
        var fields = declaration.ToFields();
        var settings = CompatibleProviderDeclarations.Build(
            declaration.Id, ProviderSources.Saved, name => fields.GetValueOrDefault(name.ToLowerInvariant()),
            (name, value, problem) => throw new MaestroException($"{name.ToLowerInvariant()}='{value}' {problem}"));
        return new CompatibleProvider(settings!);
    }

    public ProviderDeclaration? DeclarationOf(IProvider provider) =>
        provider is CompatibleProvider compatible ? ToDeclaration(compatible.Settings) : null;

    private static ProviderDeclaration ToDeclaration(CompatibleProviderSettings s) => new(
        s.Id, s.DisplayName, s.BaseUrl.ToString(), s.AuthHeader, s.AuthScheme, s.ModelsPath, s.ChatPath, s.ApiKeyRequired, s.MaxTokensField,
        s.DefaultMaxTokens, s.DefaultModel);

    /// <summary>An empty value means "the default" here (a blank form field), unlike an empty environment variable.</summary>
    private static string? Value(IReadOnlyDictionary<string, string?> fields, string name) =>
        fields.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;
}
