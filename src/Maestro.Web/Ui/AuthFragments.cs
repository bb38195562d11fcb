using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Models;
using Maestro.Core.Providers;
using Maestro.Web.Api;
using Maestro.Web.Components.Auths;
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

        ui.MapPost("/auths/{provider}/{name}/test", async (string provider, string name, bool? detail, AuthTester tester, AuthService auths, CancellationToken ct) =>
        {
            var target = new AuthRef(provider, name);
            var result = await tester.TestAsync(target, ct);
            return new RazorComponentResult<AuthTestResultView>(new
            {
                Result = result,
                Auth = AuthView.From(await auths.GetAsync(target, ct)),
                Detail = detail == true,
            });
        });

        ui.MapDelete("/auths/{provider}/{name}", async (string provider, string name, bool? redirect, HttpContext http, AuthService auths, CancellationToken ct) =>
        {
            try
            {
                await auths.DeleteAsync(new AuthRef(provider, name), ct);
                if (redirect == true)
                {
                    http.Response.Headers["HX-Redirect"] = "/";
                }
            }
            catch (NotFoundException)
            {
                // Already gone (deleted in another tab or from the CLI): show the current list.
            }

            return new RazorComponentResult<AuthTable>(new { Auths = await ListAsync(auths, ct) });
        });

        ui.MapPost("/auths/{provider}/{name}", async (string provider, string name, [FromForm(Name = "api_key")] string? apiKey,
            [FromForm(Name = "base_url")] string? baseUrl, HttpContext http, AuthService auths, ModelCatalog models, CancellationToken ct) =>
        {
            var auth = new AuthRef(provider, name);
            var record = await auths.GetAsync(auth, ct);
            try
            {
                var changed = new List<string>();
                // The base URL is validated before the key is replaced, so a bad URL changes nothing.
                var currentBase = record.MetadataValue(AuthMetadata.BaseUrl) ?? "";
                var newBase = (baseUrl ?? "").Trim();
                if (newBase.TrimEnd('/') != currentBase)
                {
                    if (newBase.Length > 0 && (!Uri.TryCreate(newBase, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
                    {
                        throw new ValidationFailedException("base_url", $"'{baseUrl}' is not an absolute http(s) URL, e.g. https://api.example.com.");
                    }
                }

                if (!string.IsNullOrWhiteSpace(apiKey))
                {
                    record = await auths.ReplaceApiKeyAsync(auth, apiKey, ct);
                    changed.Add("key replaced");
                }

                if (newBase.TrimEnd('/') != currentBase)
                {
                    record = await auths.SetBaseUrlAsync(auth, newBase, ct);
                    changed.Add(newBase.Length == 0 ? "base URL removed" : "base URL set");
                }

                models.Invalidate(record.Id);
                return new RazorComponentResult<AuthKeyForm>(new
                {
                    Auth = AuthView.From(record),
                    Saved = changed.Count == 0 ? "Nothing to change." : $"Saved: {string.Join(", ", changed)}.",
                });
            }
            catch (Exception ex) when (UiErrors.IsUserError(ex))
            {
                return new RazorComponentResult<AuthKeyForm>(new { Auth = AuthView.From(record), Errors = UiErrors.Fields(ex), BaseUrl = baseUrl ?? "" });
            }
        });

        ui.MapGet("/auths/{provider}/{name}/models", async (string provider, string name, bool? refresh, ModelCatalog models, CancellationToken ct) =>
        {
            try
            {
                var list = await models.GetAsync(new AuthRef(provider, name), refresh ?? false, ct);
                return new RazorComponentResult<AuthModels>(new { Provider = provider, Name = name, List = list });
            }
            catch (Exception ex) when (ex is MaestroException or HttpRequestException)
            {
                return new RazorComponentResult<AuthModels>(new { Provider = provider, Name = name, Error = ex.Message });
            }
        });

        // The auth page's quota card, re-read every so often so "resets in …" and the bars stay current.
        ui.MapGet("/auths/{provider}/{name}/quota", async (string provider, string name, AuthService auths, Core.Quota.IAuthLimits limits, TimeProvider time, CancellationToken ct) =>
        {
            var record = await auths.GetAsync(new AuthRef(provider, name), ct);
            var now = time.GetUtcNow();
            return new RazorComponentResult<AuthQuota>(new { Quota = AuthQuotaView.From(record, limits.Get(record.Id), now), Now = now });
        });

        return ui;
    }

    private static async Task<IReadOnlyList<AuthView>> ListAsync(AuthService auths, CancellationToken ct) =>
        [.. (await auths.ListAsync(null, ct)).Select(AuthView.From)];

    private static IReadOnlyList<ProviderDescriptor> ApiKeyProviders(ProviderRegistry registry) =>
        [.. registry.All.Select(p => p.Descriptor).Where(d => d.Accepts(AuthType.ApiKey))];
}
