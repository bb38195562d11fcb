using System.Text;
using System.Text.Json;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Providers.Gemini;

/// <summary>
/// What a recorded Gemini stream carries, extracted plainly with JsonDocument (no adapter code): the expected values the
/// adapter's output is checked against.
/// </summary>
internal sealed class GeminiFixtureReference
{
    public string Text { get; private set; } = "";

    public string Reasoning { get; private set; } = "";

    /// <summary>thoughtSignature values on parts other than function calls, in order.</summary>
    public List<string> Signatures { get; } = [];

    public List<(string? Id, string Name, JsonElement Args, string? Signature)> Calls { get; } = [];

    public List<string> Code { get; } = [];

    public List<string> CodeOutputs { get; } = [];

    public JsonElement LastUsage { get; private set; }

    public string? FinishReason { get; private set; }

    /// <summary>Index of the first event that carries a finishReason (the completion event).</summary>
    public int CompletionEvent { get; private set; } = -1;

    public int EventCount { get; private set; }

    public static GeminiFixtureReference Load(string fixture)
    {
        var reference = new GeminiFixtureReference();
        var raw = Encoding.UTF8.GetString(RepoPaths.FixtureBytes(fixture));
        foreach (var line in raw.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (!trimmed.StartsWith("data:", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = JsonDocument.Parse(trimmed["data:".Length..]);
            reference.Add(document.RootElement);
        }

        return reference;
    }

    public long Count(string name) =>
        LastUsage.ValueKind == JsonValueKind.Object && LastUsage.TryGetProperty(name, out var value) ? value.GetInt64() : 0;

    private void Add(JsonElement chunk)
    {
        var index = EventCount++;
        if (chunk.TryGetProperty("usageMetadata", out var usage))
        {
            LastUsage = usage.Clone();
        }

        if (!chunk.TryGetProperty("candidates", out var candidates) || candidates.GetArrayLength() == 0)
        {
            return;
        }

        var candidate = candidates[0];
        if (candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var parts))
        {
            foreach (var part in parts.EnumerateArray())
            {
                var signature = part.TryGetProperty("thoughtSignature", out var s) ? s.GetString() : null;
                if (part.TryGetProperty("functionCall", out var call))
                {
                    Calls.Add((
                        call.TryGetProperty("id", out var id) ? id.GetString() : null,
                        call.GetProperty("name").GetString()!,
                        call.TryGetProperty("args", out var args) ? args.Clone() : default,
                        signature));
                    continue;
                }

                if (part.TryGetProperty("executableCode", out var code))
                {
                    Code.Add(code.GetProperty("code").GetString()!);
                }
                else if (part.TryGetProperty("codeExecutionResult", out var result))
                {
                    CodeOutputs.Add(result.GetProperty("output").GetString()!);
                }
                else if (part.TryGetProperty("text", out var text))
                {
                    var thought = part.TryGetProperty("thought", out var t) && t.GetBoolean();
                    if (thought)
                    {
                        Reasoning += text.GetString();
                    }
                    else
                    {
                        Text += text.GetString();
                    }
                }

                if (signature is not null && !part.TryGetProperty("executableCode", out _))
                {
                    Signatures.Add(signature);
                }
            }
        }

        if (candidate.TryGetProperty("finishReason", out var finish))
        {
            FinishReason = finish.GetString();
            if (CompletionEvent < 0)
            {
                CompletionEvent = index;
            }
        }
    }
}
