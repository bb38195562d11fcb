using Maestro.Core.Errors;
using Maestro.Core.Providers.Saved;
using Maestro.Web.Components.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The Settings page's OpenAI-compatible providers: add, edit, remove (the same service and messages as the API).</summary>
public static class ProviderSettingsFragments
{
    public static RouteGroupBuilder MapProviderSettingsUi(this RouteGroupBuilder ui)
    {
        ui.MapGet("/settings/providers", async (SavedProviders providers, CancellationToken ct) =>
            Section(await providers.ListAsync(ct)));

        ui.MapGet("/settings/providers/{id}/edit", async (string id, SavedProviders providers, CancellationToken ct) =>
        {
            var list = await providers.ListAsync(ct);
            return list.FirstOrDefault(p => p.Declaration.Id == id && p.Editable) is { } provider
                ? Section(list, editId: id, values: provider.Declaration.ToFields())
                : Section(list, errors: Form($"No saved provider '{id}' to edit: it may have been removed, or it is declared outside Maestro."));
        });

        ui.MapPost("/settings/providers", async (HttpRequest request, SavedProviders providers, CancellationToken ct) =>
        {
            var values = Values(await SettingsFragments.FormAsync(request, ct), includeId: true);
            try
            {
                var added = await providers.AddAsync(values, ct);
                return Section(await providers.ListAsync(ct), notice: $"Added {added.Declaration.Id}.", addedId: added.Declaration.Id);
            }
            catch (Exception ex) when (ex is ValidationFailedException or ConflictException)
            {
                return Section(await providers.ListAsync(ct), errors: UiErrors.Fields(ex, "id"), values: values);
            }
        });

        ui.MapPost("/settings/providers/{id}", async (string id, HttpRequest request, SavedProviders providers, CancellationToken ct) =>
        {
            var values = Values(await SettingsFragments.FormAsync(request, ct), includeId: false);
            try
            {
                await providers.UpdateAsync(id, values, ct);
                return Section(await providers.ListAsync(ct), notice: $"Saved {id}: the next call of its auths uses it.");
            }
            catch (Exception ex) when (ex is ValidationFailedException or NotFoundException)
            {
                return Section(await providers.ListAsync(ct), editId: id, errors: UiErrors.Fields(ex), values: values);
            }
        });

        ui.MapDelete("/settings/providers/{id}", async (string id, SavedProviders providers, CancellationToken ct) =>
        {
            try
            {
                await providers.RemoveAsync(id, ct);
                return Section(await providers.ListAsync(ct), notice: $"Removed {id}.");
            }
            catch (Exception ex) when (ex is ValidationFailedException or ConflictException or NotFoundException)
            {
                return Section(await providers.ListAsync(ct), errors: Form(ex.Message));
            }
        });

        return ui;
    }

    private static RazorComponentResult<ProviderSettingsSection> Section(
        IReadOnlyList<DeclaredProvider> providers, string? editId = null, string? notice = null, IReadOnlyDictionary<string, string[]>? errors = null,
        IReadOnlyDictionary<string, string?>? values = null, string? addedId = null) =>
        new(new
        {
            Providers = providers,
            EditId = editId,
            Notice = notice,
            AddedId = addedId,
            Errors = errors,
            Values = values ?? new Dictionary<string, string?>(),
        });

    private static Dictionary<string, string[]> Form(string message) => new() { ["form"] = [message] };

    /// <summary>The form's fields; the checkbox is sent only when ticked, so its absence means "no key".</summary>
    private static Dictionary<string, string?> Values(IFormCollection form, bool includeId)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in ProviderDeclaration.FieldNames)
        {
            if (name == "id" && !includeId)
            {
                continue;
            }

            values[name] = name == "api_key_required"
                ? form.ContainsKey(name) ? "true" : "false"
                : form[name].ToString().Trim();
        }

        return values;
    }
}
