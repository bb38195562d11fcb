using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Maestro.Bench.Load;

/// <summary>
/// `--prompts N`: every session names a stack of N saved prompts (a persona, then system prompts, about a KB each),
/// as a user's sessions do once they keep their instructions as prompts. The model sees them as its system prompt, so
/// the run measures what reading the stack costs each turn.
/// </summary>
internal sealed class PromptStack(LoadOptions options)
{
    private const int PromptChars = 1024;

    public bool Enabled => options.Prompts > 0;

    /// <summary>The field a session's create request adds (a leading comma), or nothing.</summary>
    public string SessionFields => Enabled
        ? $$""","prompts":{{JsonSerializer.Serialize(Enumerable.Range(1, options.Prompts).Select(Name))}}"""
        : "";

    public async Task CreateAsync(HttpClient http, Uri server, CancellationToken ct)
    {
        for (var i = 1; i <= options.Prompts; i++)
        {
            var text = new StringBuilder(PromptChars + 120);
            while (text.Length < PromptChars)
            {
                text.Append(CultureInfo.InvariantCulture, $"Rule {text.Length / 100 + 1} of prompt {i}: keep answers short, cite the files you read, and say what you changed. ");
            }

            var body = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["name"] = Name(i),
                ["kind"] = i == 1 ? "persona" : "system",
                ["content"] = text.ToString(0, PromptChars),
            });
            using var content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await http.PostAsync(new Uri(server, "api/prompts"), content, ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Creating prompt {Name(i)} failed: HTTP {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }
    }

    private static string Name(int i) => string.Create(CultureInfo.InvariantCulture, $"load-prompt-{i}");
}
