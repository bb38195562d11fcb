using System.Globalization;
using Maestro.Core.Auths;
using Maestro.Core.Errors;
using Maestro.Core.Prompts;
using Maestro.Core.Settings;
using Maestro.Core.Usage;
using Maestro.Web.Components.Settings;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Maestro.Web.Ui;

/// <summary>The settings page's forms: prices, prompts and personas (the same services and messages as the API).</summary>
public static class SettingsFragments
{
    private static readonly string[] PriceFields = ["input", "output", "cached_input", "cache_write", "reasoning"];

    private static readonly string[] LongContextFields = ["long_context.input", "long_context.output", "long_context.cached_input"];

    public static RouteGroupBuilder MapSettingsUi(this RouteGroupBuilder ui)
    {
        ui.MapPost("/settings/defaults", async (HttpRequest request, SessionDefaultsSettings defaults, AuthService auths, Core.Tools.IBuiltInTools tools, CancellationToken ct) =>
        {
            var form = await FormAsync(request, ct);
            var chosen = form["tools"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
            var all = tools.Definitions.Select(d => d.Name).ToList();
            var wanted = new SessionDefaults(form["auth"].ToString(), form["model"].ToString(),
                chosen.Count == all.Count && all.All(chosen.Contains) ? null : chosen, form["approve"].ToString());
            var authList = (await auths.ListAsync(null, ct)).Select(Api.AuthView.From).ToList();
            try
            {
                var saved = await defaults.SetAsync(wanted, form["force_model"].ToString() is "on" or "true", ct);
                return new RazorComponentResult<DefaultsSection>(new { Defaults = saved, Auths = authList, Tools = tools.Definitions, Notice = "Saved the defaults for new sessions." });
            }
            catch (ValidationFailedException ex)
            {
                return new RazorComponentResult<DefaultsSection>(new { Defaults = wanted, Auths = authList, Tools = tools.Definitions, Errors = ex.Errors });
            }
        });

        ui.MapPost("/settings/prices", async (HttpRequest request, PriceSettings saved, PriceTable prices, CancellationToken ct) =>
        {
            var form = await FormAsync(request, ct);
            var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["model"] = form["model"].ToString().Trim() };
            var errors = new FieldErrors();
            var numbers = new Dictionary<string, decimal?>(StringComparer.Ordinal);
            foreach (var field in PriceFields)
            {
                numbers[field] = Usd(form, field, values, errors);
                if (values[field].Length == 0 && field is "input" or "output")
                {
                    errors.Add(field, $"The {field} price is required (US$ per million tokens).");
                }
            }

            var tier = LongContextTier(form, values, errors);
            try
            {
                errors.ThrowIfAny();
                await saved.SetAsync(values["model"], new ModelPrice(numbers["input"]!.Value, numbers["output"]!.Value,
                    numbers["cached_input"], numbers["cache_write"], numbers["reasoning"], tier), ct);
                return new RazorComponentResult<PriceSettingsSection>(new { Prices = prices, Notice = $"Saved the price of {values["model"]}." });
            }
            catch (ValidationFailedException ex)
            {
                return new RazorComponentResult<PriceSettingsSection>(new { Prices = prices, Errors = ex.Errors, Values = values });
            }
        });

        ui.MapDelete("/settings/prices", async (string? model, PriceSettings saved, PriceTable prices, CancellationToken ct) =>
        {
            try
            {
                await saved.SetAsync(model, null, ct);
                return new RazorComponentResult<PriceSettingsSection>(new { Prices = prices, Notice = $"Removed the price of {model}." });
            }
            catch (Exception ex) when (ex is ValidationFailedException or NotFoundException)
            {
                return new RazorComponentResult<PriceSettingsSection>(new { Prices = prices, Errors = UiErrors.Fields(ex, "form") });
            }
        });

        ui.MapPost("/prompts", async (HttpRequest request, PromptService prompts, CancellationToken ct) =>
        {
            var form = await FormAsync(request, ct);
            var values = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["name"] = form["name"].ToString().Trim(),
                ["kind"] = form["kind"].ToString(),
                ["description"] = form["description"].ToString(),
                ["content"] = form["content"].ToString(),
            };
            try
            {
                var created = await prompts.CreateAsync(values["name"], values["kind"], values["description"], values["content"], ct);
                return new RazorComponentResult<PromptSection>(new { Prompts = await prompts.ListAsync(ct), Notice = $"Added {created.Name}." });
            }
            catch (Exception ex) when (ex is ValidationFailedException or ConflictException)
            {
                return new RazorComponentResult<PromptSection>(new { Prompts = await prompts.ListAsync(ct), Errors = UiErrors.Fields(ex, "name"), Values = values });
            }
        });

        ui.MapPost("/prompts/{name}/versions", async (string name, HttpRequest request, HttpContext http, PromptService prompts, CancellationToken ct) =>
        {
            var content = (await FormAsync(request, ct))["content"].ToString();
            try
            {
                await prompts.AddVersionAsync(name, content, ct);
                http.Response.Headers["HX-Redirect"] = $"/prompts/{Uri.EscapeDataString(name)}";
                return (IResult)Results.Text("", "text/html");
            }
            catch (ValidationFailedException ex)
            {
                return new RazorComponentResult<PromptVersionForm>(new { Name = name, Content = content, Errors = ex.Errors });
            }
        });

        return ui;
    }

    /// <summary>The posted form; anything else is the caller's mistake (400 naming the form), never a 500.</summary>
    internal static async Task<IFormCollection> FormAsync(HttpRequest request, CancellationToken ct) =>
        request.HasFormContentType
            ? await request.ReadFormAsync(ct)
            : throw new ValidationFailedException("form", "Send the form as application/x-www-form-urlencoded or multipart/form-data.");

    /// <summary>The optional long-context tier of the price form: a threshold with its input and output prices, or nothing.</summary>
    private static LongContextPrice? LongContextTier(IFormCollection form, Dictionary<string, string> values, FieldErrors errors)
    {
        var aboveText = form["long_context.above"].ToString().Trim().Replace(",", "", StringComparison.Ordinal);
        values["long_context.above"] = aboveText;
        var prices = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        foreach (var field in LongContextFields)
        {
            prices[field] = Usd(form, field, values, errors);
        }

        if (aboveText.Length == 0 && LongContextFields.All(f => values[f].Length == 0))
        {
            return null;
        }

        long? above = null;
        if (aboveText.Length == 0)
        {
            errors.Add("long_context.above", "Give the prompt size (input tokens) above which the long-context prices apply, like 200000.");
        }
        else if (long.TryParse(aboveText, NumberStyles.None, CultureInfo.InvariantCulture, out var tokens))
        {
            above = tokens;
        }
        else
        {
            errors.Add("long_context.above", $"'{aboveText}' is not a whole number of input tokens, like 200000.");
        }

        foreach (var field in LongContextFields[..2])
        {
            if (values[field].Length == 0)
            {
                errors.Add(field, $"A long-context tier needs its {field["long_context.".Length..]} price (US$ per million tokens).");
            }
        }

        return above is { } threshold && prices["long_context.input"] is { } input && prices["long_context.output"] is { } output
            ? new LongContextPrice(threshold, input, output, prices["long_context.cached_input"])
            : null;
    }

    /// <summary>A price field of the form ("$3" and "3" alike), kept as typed for the form; an error names the field.</summary>
    private static decimal? Usd(IFormCollection form, string field, Dictionary<string, string> values, FieldErrors errors)
    {
        var text = form[field].ToString().Trim().TrimStart('$');
        values[field] = text;
        if (text.Length == 0)
        {
            return null;
        }

        if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        errors.Add(field, $"'{text}' is not a number: write US$ per million tokens, like 3 or 0.25.");
        return null;
    }
}
