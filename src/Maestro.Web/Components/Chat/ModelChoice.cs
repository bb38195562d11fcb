using System.Globalization;
using Maestro.Core.Providers;
using Maestro.Core.Usage;

namespace Maestro.Web.Components.Chat;

/// <summary>One model in the model picker: its id, name, window, price and capabilities, and the text a search matches.</summary>
public sealed record ModelChoice(string Id, string? Name, int? ContextWindow, ModelPrice? Price, IReadOnlyList<string> Capabilities)
{
    public static ModelChoice From(ModelInfo model, PriceQuote? price) =>
        new(model.Id, model.DisplayName, model.ContextWindow, price?.Price, model.Capabilities ?? []);

    /// <summary>"Gemini 2.5 Pro · 1M context · $1.25 / $10 per M; above 200k: $2.50 / $15 · tools, reasoning".</summary>
    public string Facts
    {
        get
        {
            var parts = new List<string>(4);
            if (!string.IsNullOrEmpty(Name) && Name != Id)
            {
                parts.Add(Name);
            }

            if (ContextWindow is { } window)
            {
                parts.Add(window >= 1_000_000
                    ? string.Create(CultureInfo.InvariantCulture, $"{window / 1_000_000.0:0.#}M context")
                    : string.Create(CultureInfo.InvariantCulture, $"{window / 1000}k context"));
            }

            if (Price is { } price)
            {
                parts.Add(PriceText.InputOutput(price));
            }

            var capabilities = Capabilities.Where(c => c is not "chat" and not "generateContent" and not "countTokens").ToList();
            if (capabilities.Count > 0)
            {
                parts.Add(string.Join(", ", capabilities));
            }

            return string.Join(" · ", parts);
        }
    }

    /// <summary>Lower-case text the picker's search matches every typed word against.</summary>
    public string SearchText => $"{Id} {Name} {string.Join(' ', Capabilities)}".ToLowerInvariant();
}
