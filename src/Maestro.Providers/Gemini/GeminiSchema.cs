using System.Text.Json;
using System.Text.Json.Nodes;

namespace Maestro.Providers.Gemini;

/// <summary>
/// Converts a tool's JSON Schema into the OpenAPI 3.0 subset Gemini's <c>FunctionDeclaration.parameters</c> accepts.
/// Gemini's proto parser rejects the whole request on the first keyword it does not know ("Invalid JSON payload
/// received. Unknown name ..."), and MCP servers send every kind of JSON Schema, so this keeps only what Gemini
/// understands and rewrites the rest where the meaning survives:
/// <list type="bullet">
/// <item>kept: type (upper-cased: STRING, NUMBER, INTEGER, BOOLEAN, ARRAY, OBJECT), title, description, enum (all
/// strings), properties, required (only names present in properties), items, minItems, maxItems, minLength,
/// maxLength, pattern, minProperties, maxProperties, minimum, maximum, default, anyOf;
/// format only where Gemini supports it (string: enum, date-time; number: float, double; integer: int32, int64).</item>
/// <item>rewritten: <c>type: [T, "null"]</c> → T + <c>nullable</c>; several types → anyOf; <c>oneOf</c> → anyOf;
/// an anyOf with a null branch → nullable; a one-branch anyOf is inlined; <c>const</c> (string) → a one-value enum;
/// <c>allOf</c> → merged into one schema; local <c>$ref</c> (<c>#/$defs/…</c>, <c>#/definitions/…</c>) → inlined
/// (a recursive reference stops after a few levels as a plain OBJECT); a missing type is inferred from properties
/// (OBJECT), items (ARRAY) or a string enum (STRING); an array without items gets string items (Gemini requires
/// items); properties/required are kept only on OBJECT nodes.</item>
/// <item>dropped: $schema, $id, $defs/definitions, $comment, additionalProperties, patternProperties,
/// unevaluatedProperties, propertyNames, not, if/then/else, exclusiveMinimum/exclusiveMaximum, multipleOf, uniqueItems,
/// contains, prefixItems, dependentRequired/dependentSchemas, examples, readOnly/writeOnly, deprecated,
/// contentEncoding/contentMediaType, non-string enum/const values, and any other keyword.</item>
/// </list>
/// A tool without parameters (no properties at the root) is declared without <c>parameters</c>: older Gemini models
/// reject an OBJECT with empty properties.
/// </summary>
internal static class GeminiSchema
{
    private const int MaxRefDepth = 4;

    private static readonly string[] CopiedKeywords =
    [
        "title", "description", "minItems", "maxItems", "minLength", "maxLength", "pattern", "minProperties",
        "maxProperties", "minimum", "maximum", "default",
    ];

    /// <summary>Why the schema cannot describe a tool's arguments, or null when it can (a JSON object of type object).</summary>
    public static string? Problem(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return $"its JSON schema must be an object schema, got a JSON {schema.ValueKind.ToString().ToLowerInvariant()}";
        }

        if (schema.TryGetProperty("type", out var type) && !(type.ValueKind == JsonValueKind.String && type.ValueEquals("object")))
        {
            return $"its JSON schema must have type \"object\", got {type.GetRawText()}";
        }

        return null;
    }

    /// <summary>True when the tool takes arguments (its root schema has at least one property).</summary>
    public static bool HasParameters(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object &&
        schema.TryGetProperty("properties", out var properties) &&
        properties.ValueKind == JsonValueKind.Object &&
        properties.EnumerateObject().Any();

    public static JsonObject Convert(JsonElement schema) => Convert(schema, schema, 0);

    private static JsonObject Convert(JsonElement node, JsonElement root, int refDepth)
    {
        var result = new JsonObject();
        if (node.ValueKind != JsonValueKind.Object)
        {
            // `true` / `{}`: any value. Gemini has no "any"; a schema without a type is the closest it accepts.
            return result;
        }

        if (node.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String)
        {
            var target = refDepth < MaxRefDepth ? Resolve(root, reference.GetString()!) : null;
            var resolved = target is { } t ? Convert(t, root, refDepth + 1) : new JsonObject { ["type"] = "OBJECT" };
            // Keywords beside the $ref (a description, usually) describe this use of the definition: they win.
            CopySimple(node, resolved, overwrite: true);
            return resolved;
        }

        if (node.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in allOf.EnumerateArray())
            {
                Merge(result, Convert(part, root, refDepth));
            }
        }

        var nullable = false;
        if (node.TryGetProperty("type", out var type))
        {
            var types = new List<string>();
            if (type.ValueKind == JsonValueKind.String)
            {
                types.Add(type.GetString()!);
            }
            else if (type.ValueKind == JsonValueKind.Array)
            {
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind == JsonValueKind.String)
                    {
                        types.Add(t.GetString()!);
                    }
                }
            }

            nullable = types.Remove("null");
            if (types.Count == 1)
            {
                result["type"] = GeminiType(types[0]);
            }
            else if (types.Count > 1)
            {
                var branches = new JsonArray();
                foreach (var t in types)
                {
                    branches.Add(new JsonObject { ["type"] = GeminiType(t) });
                }

                result["anyOf"] = branches;
            }
        }

        var union = node.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array ? anyOf
            : node.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array ? oneOf
            : default;
        if (union.ValueKind == JsonValueKind.Array)
        {
            var branches = new List<JsonObject>();
            foreach (var branch in union.EnumerateArray())
            {
                if (IsNullSchema(branch))
                {
                    nullable = true;
                    continue;
                }

                branches.Add(Convert(branch, root, refDepth));
            }

            if (branches.Count == 1)
            {
                Merge(result, branches[0]);
            }
            else if (branches.Count > 1)
            {
                result["anyOf"] = new JsonArray([.. branches]);
            }
        }

        CopySimple(node, result, overwrite: true);
        CopyEnum(node, result, ref nullable);
        CopyFormat(node, result);

        if (node.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var converted = result["properties"] as JsonObject ?? [];
            foreach (var property in properties.EnumerateObject())
            {
                converted[property.Name] = Convert(property.Value, root, refDepth);
            }

            result["properties"] = converted;
            result["type"] ??= "OBJECT";
        }

        if (node.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            var names = result["required"] as JsonArray ?? [];
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && !Contains(names, name.GetString()!))
                {
                    names.Add(name.GetString());
                }
            }

            result["required"] = names;
        }

        if (node.TryGetProperty("items", out var items))
        {
            // A tuple (items: [..]) has no Gemini form; its first member describes the elements best.
            var element = items.ValueKind == JsonValueKind.Array ? items.EnumerateArray().FirstOrDefault() : items;
            result["items"] = Convert(element, root, refDepth);
            result["type"] ??= "ARRAY";
        }

        if (nullable)
        {
            result["nullable"] = true;
        }

        Tidy(result);
        return result;
    }

    /// <summary>Fixes combinations Gemini rejects: properties on a non-object, required names that are not properties, arrays without items.</summary>
    private static void Tidy(JsonObject result)
    {
        var type = result["type"]?.GetValue<string>();
        if (type is not null && type != "OBJECT")
        {
            result.Remove("properties");
            result.Remove("required");
        }

        if (result["required"] is JsonArray required)
        {
            var properties = result["properties"] as JsonObject;
            for (var i = required.Count - 1; i >= 0; i--)
            {
                if (properties is null || !properties.ContainsKey(required[i]!.GetValue<string>()))
                {
                    required.RemoveAt(i);
                }
            }

            if (required.Count == 0)
            {
                result.Remove("required");
            }
        }

        if (type == "ARRAY" && result["items"] is null)
        {
            result["items"] = new JsonObject { ["type"] = "STRING" };
        }
    }

    private static void CopySimple(JsonElement node, JsonObject result, bool overwrite)
    {
        foreach (var keyword in CopiedKeywords)
        {
            if (node.TryGetProperty(keyword, out var value) && (overwrite || !result.ContainsKey(keyword)))
            {
                result[keyword] = JsonNode.Parse(value.GetRawText());
            }
        }
    }

    private static void CopyEnum(JsonElement node, JsonObject result, ref bool nullable)
    {
        if (node.TryGetProperty("const", out var constant) && constant.ValueKind == JsonValueKind.String)
        {
            result["enum"] = new JsonArray(constant.GetString());
            result["type"] ??= "STRING";
            return;
        }

        if (!node.TryGetProperty("enum", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return;
        }

        var strings = new JsonArray();
        foreach (var value in values.EnumerateArray())
        {
            if (value.ValueKind == JsonValueKind.Null)
            {
                nullable = true;
            }
            else if (value.ValueKind == JsonValueKind.String)
            {
                strings.Add(value.GetString());
            }
            else
            {
                // Gemini's enum holds strings only; a numeric enum is left to the type and description.
                return;
            }
        }

        if (strings.Count > 0)
        {
            result["enum"] = strings;
            result["type"] ??= "STRING";
        }
    }

    private static void CopyFormat(JsonElement node, JsonObject result)
    {
        if (!node.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String)
        {
            return;
        }

        var value = format.GetString();
        var supported = result["type"]?.GetValue<string>() switch
        {
            "STRING" => value is "enum" or "date-time",
            "NUMBER" => value is "float" or "double",
            "INTEGER" => value is "int32" or "int64",
            _ => false,
        };
        if (supported)
        {
            result["format"] = value;
        }
    }

    /// <summary>Merges a converted schema into another (allOf, a one-branch union): properties and required are joined, the first value of anything else wins.</summary>
    private static void Merge(JsonObject into, JsonObject from)
    {
        foreach (var (key, value) in from.ToList())
        {
            from.Remove(key);
            if (key == "properties" && into["properties"] is JsonObject properties && value is JsonObject more)
            {
                foreach (var (name, schema) in more.ToList())
                {
                    more.Remove(name);
                    properties[name] ??= schema;
                }
            }
            else if (key == "required" && into["required"] is JsonArray required && value is JsonArray names)
            {
                foreach (var name in names.ToList())
                {
                    names.Remove(name);
                    if (!Contains(required, name!.GetValue<string>()))
                    {
                        required.Add(name);
                    }
                }
            }
            else if (!into.ContainsKey(key))
            {
                into[key] = value;
            }
        }
    }

    private static JsonElement? Resolve(JsonElement root, string reference)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["#/$defs/", "#/definitions/"])
        {
            if (reference.StartsWith(prefix, StringComparison.Ordinal))
            {
                var container = prefix[2..^1];
                var name = reference[prefix.Length..].Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                return root.TryGetProperty(container, out var defs) && defs.ValueKind == JsonValueKind.Object &&
                       defs.TryGetProperty(name, out var target)
                    ? target
                    : null;
            }
        }

        return reference == "#" ? root : null;
    }

    private static bool IsNullSchema(JsonElement schema) =>
        schema.ValueKind == JsonValueKind.Object &&
        schema.TryGetProperty("type", out var type) &&
        type.ValueKind == JsonValueKind.String &&
        type.ValueEquals("null");

    private static bool Contains(JsonArray array, string value)
    {
        foreach (var item in array)
        {
            if (item?.GetValue<string>() == value)
            {
                return true;
            }
        }

        return false;
    }

    private static string GeminiType(string jsonType) => jsonType switch
    {
        "string" => "STRING",
        "number" => "NUMBER",
        "integer" => "INTEGER",
        "boolean" => "BOOLEAN",
        "array" => "ARRAY",
        "object" => "OBJECT",
        _ => "STRING",
    };
}
