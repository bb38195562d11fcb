using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Tests.Providers.Anthropic;

/// <summary>Compares two JSON documents structurally: numbers by value (1.0 == 1), properties in any order.</summary>
internal static class JsonEquivalence
{
    /// <param name="ignore">Paths left out of the comparison, e.g. "temperature", "thinking.budget_tokens", "tools[0].description".</param>
    public static void ShouldBeEquivalent(JsonNode? actual, JsonNode? expected, params string[] ignore)
    {
        var differences = new List<string>();
        Compare(actual, expected, "", new HashSet<string>(ignore, StringComparer.Ordinal), differences);
        differences.ShouldBeEmpty(string.Join("\n", differences) + "\nactual: " + actual?.ToJsonString());
    }

    private static void Compare(JsonNode? actual, JsonNode? expected, string path, HashSet<string> ignore, List<string> differences)
    {
        if (ignore.Contains(path))
        {
            return;
        }

        switch (expected)
        {
            case null:
                if (actual is not null)
                {
                    differences.Add($"{path}: expected null, got {actual.ToJsonString()}");
                }

                break;
            case JsonObject expectedObject when actual is JsonObject actualObject:
                foreach (var (name, value) in expectedObject)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!actualObject.ContainsKey(name))
                    {
                        if (!ignore.Contains(child))
                        {
                            differences.Add($"{child}: missing (expected {value?.ToJsonString()})");
                        }

                        continue;
                    }

                    Compare(actualObject[name], value, child, ignore, differences);
                }

                foreach (var (name, value) in actualObject)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!expectedObject.ContainsKey(name) && !ignore.Contains(child))
                    {
                        differences.Add($"{child}: unexpected {value?.ToJsonString()}");
                    }
                }

                break;
            case JsonArray expectedArray when actual is JsonArray actualArray:
                if (expectedArray.Count != actualArray.Count)
                {
                    differences.Add($"{path}: {actualArray.Count} items, expected {expectedArray.Count}");
                    break;
                }

                for (var i = 0; i < expectedArray.Count; i++)
                {
                    Compare(actualArray[i], expectedArray[i], $"{path}[{i}]", ignore, differences);
                }

                break;
            case JsonValue expectedValue when actual is JsonValue actualValue:
                var e = JsonDocument.Parse(expectedValue.ToJsonString()).RootElement;
                var a = JsonDocument.Parse(actualValue.ToJsonString()).RootElement;
                var same = e.ValueKind == JsonValueKind.Number && a.ValueKind == JsonValueKind.Number
                    ? e.GetDecimal() == a.GetDecimal()
                    : JsonElement.DeepEquals(e, a);
                if (!same)
                {
                    differences.Add($"{path}: expected {e.GetRawText()}, got {a.GetRawText()}");
                }

                break;
            default:
                differences.Add($"{path}: expected {expected.ToJsonString()}, got {actual?.ToJsonString() ?? "nothing"}");
                break;
        }
    }
}
