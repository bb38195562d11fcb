using System.Text.Json.Nodes;
using Maestro.Providers.Gemini;
using static Maestro.Tests.Providers.Gemini.GeminiRequestFixtureTests;

namespace Maestro.Tests.Providers.Gemini;

public sealed class GeminiSchemaTests
{
    [Fact]
    public void Unsupported_keywords_are_dropped_and_types_upper_cased()
    {
        var converted = Convert("""
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "x", "type": "object", "additionalProperties": false,
             "properties": {
               "count": {"type": "integer", "exclusiveMinimum": 0, "multipleOf": 2, "minimum": 1, "maximum": 9, "format": "int32"},
               "tags": {"type": "array", "items": {"type": "string", "format": "uri"}, "uniqueItems": true, "minItems": 1},
               "when": {"type": "string", "format": "date-time", "examples": ["2025-01-01T00:00:00Z"], "default": "now"}},
             "required": ["count", "missing"]}
            """);

        JsonNode.DeepEquals(converted, JsonNode.Parse("""
            {"type": "OBJECT",
             "properties": {
               "count": {"type": "INTEGER", "minimum": 1, "maximum": 9, "format": "int32"},
               "tags": {"type": "ARRAY", "items": {"type": "STRING"}, "minItems": 1},
               "when": {"type": "STRING", "format": "date-time", "default": "now"}},
             "required": ["count"]}
            """)).ShouldBeTrue(converted.ToJsonString());
    }

    [Fact]
    public void Nullable_unions_const_and_oneOf_are_rewritten()
    {
        var converted = Convert("""
            {"type": "object", "properties": {
               "a": {"type": ["string", "null"], "description": "maybe"},
               "b": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
               "c": {"oneOf": [{"type": "string"}, {"type": "number"}]},
               "d": {"const": "fixed"},
               "e": {"enum": ["x", "y", null]},
               "f": {"type": "integer", "enum": [1, 2, 3]},
               "g": {"type": ["string", "integer"]}}}
            """);

        var properties = converted["properties"]!;
        JsonNode.DeepEquals(properties["a"], JsonNode.Parse("""{"type": "STRING", "nullable": true, "description": "maybe"}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["b"], JsonNode.Parse("""{"type": "INTEGER", "nullable": true}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["c"], JsonNode.Parse("""{"anyOf": [{"type": "STRING"}, {"type": "NUMBER"}]}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["d"], JsonNode.Parse("""{"type": "STRING", "enum": ["fixed"]}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["e"], JsonNode.Parse("""{"type": "STRING", "enum": ["x", "y"], "nullable": true}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["f"], JsonNode.Parse("""{"type": "INTEGER"}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["g"], JsonNode.Parse("""{"anyOf": [{"type": "STRING"}, {"type": "INTEGER"}]}""")).ShouldBeTrue();
    }

    [Fact]
    public void Local_refs_are_inlined_and_recursion_stops()
    {
        var converted = Convert("""
            {"type": "object", "$defs": {
               "Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
               "Node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/Node"}}}},
             "properties": {
               "home": {"$ref": "#/$defs/Address", "description": "Where they live"},
               "tree": {"$ref": "#/$defs/Node"},
               "external": {"$ref": "https://example.com/schema.json"}}}
            """);

        var properties = converted["properties"]!;
        JsonNode.DeepEquals(properties["home"], JsonNode.Parse("""
            {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}, "required": ["city"], "description": "Where they live"}
            """)).ShouldBeTrue(properties["home"]!.ToJsonString());
        var depth = 0;
        for (var node = properties["tree"]; node?["properties"]?["child"] is { } child; node = child)
        {
            depth++;
        }

        depth.ShouldBeInRange(3, 6);
        properties["external"]!["type"]!.GetValue<string>().ShouldBe("OBJECT");
        converted.ContainsKey("$defs").ShouldBeFalse();
    }

    [Fact]
    public void AllOf_is_merged_and_missing_types_are_inferred()
    {
        var converted = Convert("""
            {"allOf": [
               {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
               {"properties": {"b": {"items": {"type": "boolean"}}}, "required": ["b"]}]}
            """);

        JsonNode.DeepEquals(converted, JsonNode.Parse("""
            {"type": "OBJECT", "properties": {"a": {"type": "STRING"}, "b": {"type": "ARRAY", "items": {"type": "BOOLEAN"}}}, "required": ["a", "b"]}
            """)).ShouldBeTrue(converted.ToJsonString());
    }

    [Fact]
    public void Objects_keep_properties_and_arrays_always_have_items()
    {
        var converted = Convert("""
            {"type": "object", "properties": {
               "list": {"type": "array"},
               "text": {"type": "string", "properties": {"x": {"type": "string"}}, "required": ["x"]},
               "map": {"type": "object", "additionalProperties": {"type": "string"}}}}
            """);

        var properties = converted["properties"]!;
        JsonNode.DeepEquals(properties["list"], JsonNode.Parse("""{"type": "ARRAY", "items": {"type": "STRING"}}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["text"], JsonNode.Parse("""{"type": "STRING"}""")).ShouldBeTrue();
        JsonNode.DeepEquals(properties["map"], JsonNode.Parse("""{"type": "OBJECT"}""")).ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"type": "object", "properties": {}}""", null)]
    [InlineData("""{"properties": {"a": {"type": "string"}}}""", null)]
    [InlineData("""{"type": "string"}""", "type \"object\"")]
    [InlineData("""[1, 2]""", "object schema")]
    [InlineData("""true""", "object schema")]
    public void Only_object_schemas_describe_tool_arguments(string schema, string? problem)
    {
        var found = GeminiSchema.Problem(Json(schema));

        if (problem is null)
        {
            found.ShouldBeNull();
        }
        else
        {
            found.ShouldNotBeNull().ShouldContain(problem);
        }
    }

    private static JsonObject Convert(string schema) => GeminiSchema.Convert(Json(schema));
}
