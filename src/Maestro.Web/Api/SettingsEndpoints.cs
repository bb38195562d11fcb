using Maestro.Core.Settings;
using Maestro.Core.Usage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Api;

/// <summary>/api/settings: defaults for new sessions; prices (the built-in table, the price file, and the prices saved here, which win).</summary>
public static class SettingsEndpoints
{
    public sealed record DefaultsRequest(string? Auth, string? Model, IReadOnlyList<string>? Tools, string? Approve, bool? ForceModel);

    /// <param name="LongContext">Optional: the prices of a call whose prompt is above <c>above</c> input tokens.</param>
    public sealed record PriceRequest(
        string? Model, decimal? Input, decimal? Output, decimal? CachedInput, decimal? CacheWrite, decimal? Reasoning, LongContextPrice? LongContext = null);

    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/settings");
        group.MapGet("/defaults", async (SessionDefaultsSettings defaults, CancellationToken ct) => Results.Ok(await defaults.GetAsync(ct)));
        group.MapPut("/defaults", async (DefaultsRequest? request, SessionDefaultsSettings defaults, CancellationToken ct) =>
            Results.Ok(await defaults.SetAsync(
                new SessionDefaults(request?.Auth, request?.Model, request?.Tools, request?.Approve), request?.ForceModel ?? false, ct)));

        group.MapGet("/prices", async (PriceSettings saved, PriceTable prices, CancellationToken ct) =>
        {
            await saved.LoadAsync(ct);
            return Results.Ok(PricesView.From(prices));
        });

        group.MapPost("/prices", async (PriceRequest? request, PriceSettings saved, PriceTable prices, CancellationToken ct) =>
        {
            var errors = new Core.Errors.FieldErrors();
            if (request?.Input is null)
            {
                errors.Add("input", "The input price is required (US$ per million tokens).");
            }

            if (request?.Output is null)
            {
                errors.Add("output", "The output price is required (US$ per million tokens).");
            }

            errors.ThrowIfAny();
            await saved.SetAsync(request!.Model, new ModelPrice(request.Input!.Value, request.Output!.Value, request.CachedInput, request.CacheWrite, request.Reasoning, request.LongContext), ct);
            return Results.Ok(PricesView.From(prices));
        });

        group.MapDelete("/prices", async (string? model, PriceSettings saved, PriceTable prices, CancellationToken ct) =>
        {
            await saved.SetAsync(model, null, ct);
            return Results.Ok(PricesView.From(prices));
        });
        return app;
    }
}

/// <param name="Saved">Prices saved in the settings (they win), by model or provider/model.</param>
/// <param name="File">The price file's entries (MAESTRO_PRICES).</param>
/// <param name="BuiltIn">Per provider: the day the list was checked, where, and its prices.</param>
public sealed record PricesView(
    IReadOnlyDictionary<string, ModelPrice> Saved,
    IReadOnlyDictionary<string, ModelPrice> File,
    IReadOnlyDictionary<string, BuiltInPricesView> BuiltIn)
{
    public static PricesView From(PriceTable prices) => new(
        prices.Overrides,
        prices.FileEntries,
        prices.BuiltIn.Where(p => p.Value.Models.Count > 0).ToDictionary(p => p.Key, p => new BuiltInPricesView(p.Value.Checked, p.Value.Source, p.Value.Models), StringComparer.Ordinal));
}

public sealed record BuiltInPricesView(DateOnly Checked, string Source, IReadOnlyDictionary<string, ModelPrice> Models);
