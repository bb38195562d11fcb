using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>Helpers to compare a written request with a recorded one on the fields that matter.</summary>
public static class RequestJson
{
    public static JsonObject Fixture(string relative) => JsonNode.Parse(RepoPaths.FixtureBytes(relative))!.AsObject();

    public static JsonObject Parse(byte[] body) => JsonNode.Parse(body)!.AsObject();

    /// <summary>Tool-call arguments are JSON inside a string; compare them parsed, so spacing does not matter.</summary>
    public static JsonNode? NormalizeArguments(JsonNode? node)
    {
        var copy = node?.DeepClone();
        JsonTree.EachObject(copy, o =>
        {
            if (o["arguments"] is JsonValue v && v.TryGetValue<string>(out var text))
            {
                o["arguments"] = JsonNode.Parse(text);
            }
        });
        return copy;
    }

    public static void ShouldMatch(JsonNode? actual, JsonNode? expected, string what)
    {
        var a = NormalizeArguments(actual);
        var e = NormalizeArguments(expected);
        JsonNode.DeepEquals(a, e).ShouldBeTrue($"{what} differs.\nexpected: {e?.ToJsonString()}\nactual:   {a?.ToJsonString()}");
    }

    /// <summary>A declaration with exactly the recorded schema, as the turn engine would pass it.</summary>
    public static AIFunctionDeclaration Tool(string name, string? description, JsonNode? parameters) =>
        AIFunctionFactory.CreateDeclaration(name, description ?? "", JsonSerializer.SerializeToElement(parameters));

    /// <summary>Tools from a Responses request fixture (flat) or a Chat Completions one (under "function").</summary>
    public static List<AITool> Tools(JsonObject request)
    {
        var tools = new List<AITool>();
        foreach (var tool in request["tools"]?.AsArray() ?? [])
        {
            var function = tool!["function"]?.AsObject() ?? tool.AsObject();
            if (function["parameters"] is null)
            {
                continue;
            }

            tools.Add(Tool(function["name"]!.GetValue<string>(), function["description"]?.GetValue<string>(), function["parameters"]));
        }

        return tools;
    }
}
