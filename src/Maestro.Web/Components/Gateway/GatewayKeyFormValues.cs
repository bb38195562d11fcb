using System.Globalization;
using Maestro.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Maestro.Web.Components.Gateway;

/// <summary>The key form as posted: text as typed (sent back with the errors), numbers parsed with a message naming the field.</summary>
public sealed record GatewayKeyFormValues(string? Name, IReadOnlyList<string> Routes, string? Budget, string? Rpm, string? Tpm)
{
    public static GatewayKeyFormValues From(IFormCollection form) => new(
        Text(form, "name"),
        [.. form["routes"].Where(r => !string.IsNullOrWhiteSpace(r)).Select(r => r!.Trim())],
        Text(form, "budget_usd"),
        Text(form, "rpm"),
        Text(form, "tpm"));

    public IReadOnlyDictionary<string, string> Values => new Dictionary<string, string>
    {
        ["name"] = Name ?? "",
        ["budget_usd"] = Budget ?? "",
        ["rpm"] = Rpm ?? "",
        ["tpm"] = Tpm ?? "",
    };

    /// <summary>US$ per month; "25", "7.50" and "$7.50" are accepted.</summary>
    public decimal? BudgetUsd(FieldErrors errors)
    {
        if (Budget is null)
        {
            return null;
        }

        if (decimal.TryParse(Budget.TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add("budget_usd", $"'{Budget}' is not an amount: write US$ per month as a number, e.g. 25 or 7.50 (or leave it empty for no budget).");
        return null;
    }

    public int? RequestsPerMinute(FieldErrors errors) => Whole(Rpm, "rpm", "Requests per minute", errors);

    public int? TokensPerMinute(FieldErrors errors) => Whole(Tpm, "tpm", "Tokens per minute", errors);

    private static int? Whole(string? text, string field, string label, FieldErrors errors)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.Integer | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add(field, $"{label} must be a whole number from 1 to {int.MaxValue:N0} (or empty for no limit), not '{text}'.");
        return null;
    }

    private static string? Text(IFormCollection form, string name) =>
        form[name].ToString().Trim() is { Length: > 0 } text ? text : null;
}
