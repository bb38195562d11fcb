using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Providers;
using Maestro.Web.Api;
using Maestro.Web.Components.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>HTML fragments for the auth parts of the UI; they use the same AuthService (and messages) as the REST API.</summary>
public static class AuthFragments
{
    public static RouteGroupBuilder MapAuthFragments(this RouteGroupBuilder ui)
    {
        ui.MapPost("/auths", async ([FromForm] string? provider, [FromForm] string? name, [FromForm(Name = "api_key")] string? apiKey,
            [FromForm(Name = "base_url")] string? baseUrl, AuthService auths, ProviderRegistry registry, CancellationToken ct) =>
        {
            var providers = ApiKeyProviders(registry);
            try
            {
                var created = await auths.CreateApiKeyAsync(provider ?? "", name ?? "", apiKey, baseUrl, ct);
                return new RazorComponentResult<AuthFormResult>(new
                {
                    Providers = providers,
                    Saved = created.Ref.ToString(),
                    Auths = await ListAsync(auths, ct),
                });
            }
            catch (Exception ex) when (ex is ValidationFailedException or ConflictException)
            {
                var errors = ex is ValidationFailedException v
                    ? v.Errors
                    : new Dictionary<string, string[]> { [((ConflictException)ex).Field ?? "form"] = [ex.Message] };
                // The key is not sent back: the user types it again, so it never sits in the page's HTML.
                var values = new Dictionary<string, string> { ["provider"] = provider ?? "", ["name"] = name ?? "", ["base_url"] = baseUrl ?? "" };
                return new RazorComponentResult<AuthFormResult>(new { Providers = providers, Errors = errors, Values = values });
            }
        });

        ui.MapDelete("/auths/{provider}/{name}", async (string provider, string name, AuthService auths, CancellationToken ct) =>
        {
            try
            {
                await auths.DeleteAsync(new AuthRef(provider, name), ct);
            }
            catch (NotFoundException)
            {
                // Already gone (deleted in another tab or from the CLI): show the current list.
            }

            return new RazorComponentResult<AuthTable>(new { Auths = await ListAsync(auths, ct) });
        });

        return ui;
    }

    private static async Task<IReadOnlyList<AuthView>> ListAsync(AuthService auths, CancellationToken ct) =>
        [.. (await auths.ListAsync(null, ct)).Select(AuthView.From)];

    private static IReadOnlyList<ProviderDescriptor> ApiKeyProviders(ProviderRegistry registry) =>
        [.. registry.All.Select(p => p.Descriptor).Where(d => d.Accepts(AuthType.ApiKey))];
}
