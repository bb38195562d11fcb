using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Models;
using Maestro.Core.Quota;
using Maestro.Core.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/auths: named credentials. Responses never contain a secret.</summary>
public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auths");

        group.MapGet("/", async (string? provider, AuthService auths, IAuthLimits limits, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            return Results.Ok((await auths.ListAsync(provider, ct)).Select(a => AuthView.From(a) with { Quota = QuotaSummaryView.From(limits.Get(a.Id), now) }));
        });

        group.MapPost("/", async (CreateAuthRequest? request, AuthService auths, CancellationToken ct) =>
        {
            if (request is null)
            {
                return ApiProblem.Validation("body", "Send a JSON object: {\"provider\", \"name\", \"api_key\", \"base_url\"?}.");
            }

            var created = await auths.CreateApiKeyAsync(request.Provider ?? "", request.Name ?? "", request.ApiKey, request.BaseUrl, ct);
            return Results.Created($"/api/auths/{created.Provider}/{created.Name}", AuthView.From(created));
        });

        group.MapGet("/{provider}/{name}", async (string provider, string name, AuthService auths, IAuthLimits limits, TimeProvider time, CancellationToken ct) =>
        {
            var (record, secrets) = await auths.ShowAsync(new AuthRef(provider, name), ct);
            return Results.Ok(new AuthDetailView(AuthView.From(record) with { Quota = QuotaSummaryView.From(limits.Get(record.Id), time.GetUtcNow()) }, secrets));
        });

        // What the provider last said about the auth's limits: each window's use and reset, and the last limit hit.
        group.MapGet("/{provider}/{name}/quota", async (string provider, string name, AuthService auths, IAuthLimits limits, TimeProvider time, CancellationToken ct) =>
        {
            var record = await auths.GetAsync(new AuthRef(provider, name), ct);
            return Results.Ok(AuthQuotaView.From(record, limits.Get(record.Id), time.GetUtcNow()));
        });

        group.MapPatch("/{provider}/{name}", async (string provider, string name, UpdateAuthRequest? request, AuthService auths, ModelCatalog models, CancellationToken ct) =>
        {
            if (request is null || (request.Name is null && request.ApiKey is null && request.BaseUrl is null))
            {
                return ApiProblem.Validation("body", "Send at least one of name, api_key, base_url.");
            }

            // Validate every field before changing anything, so a bad name cannot leave a half-applied update.
            var errors = new FieldErrors();
            if (request.Name is not null)
            {
                AuthService.ValidateName(request.Name, errors);
            }

            if (request.ApiKey is not null && request.ApiKey.Trim().Length == 0)
            {
                errors.Add("api_key", "API key is empty.");
            }

            errors.ThrowIfAny();
            var auth = new AuthRef(provider, name);
            var record = await auths.GetAsync(auth, ct);
            if (request.ApiKey is not null)
            {
                record = await auths.ReplaceApiKeyAsync(auth, request.ApiKey, ct);
            }

            if (request.BaseUrl is not null)
            {
                record = await auths.SetBaseUrlAsync(auth, request.BaseUrl, ct);
            }

            if (request.Name is not null)
            {
                record = await auths.RenameAsync(auth, request.Name, ct);
            }

            models.Invalidate(record.Id);
            return Results.Ok(AuthView.From(record));
        });

        group.MapPost("/{provider}/{name}/test", async (string provider, string name, AuthTester tester, AuthService auths, CancellationToken ct) =>
        {
            var target = new AuthRef(provider, name);
            var result = await tester.TestAsync(target, ct);
            return Results.Ok(new AuthTestView(result, AuthView.From(await auths.GetAsync(target, ct))));
        });

        group.MapGet("/{provider}/{name}/models", async (string provider, string name, bool? refresh, ModelCatalog models, PriceTable prices, CancellationToken ct) =>
            Results.Ok(ModelListView.From(await models.GetAsync(new AuthRef(provider, name), refresh ?? false, ct), prices)));

        group.MapDelete("/{provider}/{name}", async (string provider, string name, AuthService auths, CancellationToken ct) =>
        {
            await auths.DeleteAsync(new AuthRef(provider, name), ct);
            return Results.NoContent();
        });

        return app;
    }
}
