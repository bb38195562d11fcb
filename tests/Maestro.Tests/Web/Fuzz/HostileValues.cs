namespace Maestro.Tests.Web.Fuzz;

/// <summary>
/// Values an attacker (or a careless client) sends, by where they go. JSON values are raw JSON text, so they can hold
/// what no serializer writes (lone surrogate escapes, numbers out of range); URL values are already percent-encoded.
/// </summary>
public static class HostileValues
{
    /// <summary>A value and whether Maestro must refuse it as text it cannot hold (400 naming the field).</summary>
    public sealed record Value(string Text, string Label, bool IsHostileText = false);

    private static readonly string Huge = new('x', 300_000);

    /// <summary>Text that PostgreSQL cannot hold or that is not Unicode: always refused, naming the field.</summary>
    public static readonly Value[] JsonText =
    [
        new("\"a\\u0000b\"", "NUL", true),
        new("\"\\ud83d\"", "lone high surrogate", true),
        new("\"x\\udc00y\"", "lone low surrogate", true),
    ];

    public static readonly Value[] JsonString =
    [
        .. JsonText,
        new($"\"{Huge}\"", "huge string"),
        new("5", "number for string"),
        new("true", "bool for string"),
        new("{}", "object for string"),
        new("[]", "array for string"),
    ];

    public static readonly Value[] JsonNumber =
    [
        new("\"NaN\"", "NaN"),
        new("\"Infinity\"", "Infinity"),
        new("\"-Infinity\"", "-Infinity"),
        new("1e400", "overflow"),
        new("-1e400", "negative overflow"),
        new("99999999999999999999", "huge integer"),
        new("1.5", "fraction"),
        new("-1", "negative"),
        new("\"abc\"", "string for number"),
        new("{}", "object for number"),
        new("\"a\\u0000\"", "NUL string for number", true),
    ];

    public static readonly Value[] JsonBool =
    [
        new("\"yes\"", "string for bool"),
        new("2", "number for bool"),
        new("[]", "array for bool"),
        new("\"\\u0000\"", "NUL for bool", true),
    ];

    public static readonly Value[] JsonList =
    [
        new("[\"a\\u0000b\"]", "NUL item", true),
        new("[\"\\ud83d\"]", "lone surrogate item", true),
        new("\"item\"", "string for list"),
        new("[5]", "number item"),
        new("[[]]", "nested list"),
        new("{}", "object for list"),
        new("[null]", "null item"),
        new("[" + string.Join(',', Enumerable.Repeat("\"x\"", 20_000)) + "]", "long list"),
    ];

    public static readonly Value[] JsonMap =
    [
        new("{\"A\\u0000B\":\"x\"}", "NUL key", true),
        new("{\"K\":\"a\\u0000b\"}", "NUL value", true),
        new("{\"\\ud83d\":\"x\"}", "lone surrogate key", true),
        new("{\"K\":\"\\udc00\"}", "lone surrogate value", true),
        new("{\"K\":5}", "number value"),
        new("{\"K\":{}}", "object value"),
        new("[]", "array for map"),
        new("\"map\"", "string for map"),
    ];

    public static readonly Value[] JsonAny =
    [
        new("{\"x\":{\"command\":\"a\\u0000\",\"args\":[\"\\ud83d\"]}}", "nested NUL", true),
        new("\"\\u0000\"", "NUL string", true),
        new(new string('[', 500) + new string(']', 500), "deep nesting"),
        new("12", "number"),
        new("{\"mcpServers\":{\"s\":{\"command\":5}}}", "wrong nested type"),
    ];

    /// <summary>Whole bodies that are not the JSON object an endpoint expects.</summary>
    public static readonly (byte[] Body, string ContentType, string Label)[] Bodies =
    [
        (Utf8("{"), "application/json", "truncated"),
        (Utf8("[]"), "application/json", "array body"),
        (Utf8("\"text\""), "application/json", "string body"),
        (Utf8("5"), "application/json", "number body"),
        (Utf8("null"), "application/json", "null body"),
        (Utf8("{\"a\":1,}"), "application/json", "trailing comma"),
        ([.. Utf8("{\"name\":\"a"), 0, .. Utf8("b\"}")], "application/json", "raw NUL byte"),
        ([.. Utf8("{\"name\":\""), 0xFF, 0xFE, .. Utf8("\"}")], "application/json", "invalid UTF-8"),
        ([.. Utf8("{\"name\":\""), 0xED, 0xA0, 0xBD, .. Utf8("\"}")], "application/json", "UTF-8 encoded surrogate"),
        (Utf8(new string('[', 5000) + new string(']', 5000)), "application/json", "5000 deep"),
        ([], "application/json", "empty"),
        (Utf8("{\"name\":\"x\"}"), "text/plain", "text/plain"),
        (Utf8("name=a%00b"), "application/x-www-form-urlencoded", "form for JSON"),
    ];

    /// <summary>Percent-encoded values for route segments and query strings.</summary>
    public static readonly Value[] Url =
    [
        new("a%00b", "NUL", true),
        new("%00", "only NUL", true),
        new("%ED%A0%BD", "encoded surrogate"),
        new("%FF%FE", "invalid UTF-8"),
        new("%C0%80", "overlong NUL"),
        new(new string('x', 5000), "long"),
        new("..", "dot-dot"),
        new("%2e%2e%2f%2e%2e", "encoded traversal"),
        new("NaN", "NaN"),
        new("Infinity", "Infinity"),
        new("1e400", "overflow"),
        new("99999999999999999999999", "huge integer"),
        new("-1", "negative"),
        new("%20", "space"),
    ];

    /// <summary>Percent-encoded form values (the UI's posts).</summary>
    public static readonly Value[] Form =
    [
        new("a%00b", "NUL", true),
        new("%ED%A0%BD", "encoded surrogate"),
        new(new string('x', 100_000), "huge"),
        new("NaN", "NaN"),
        new("Infinity", "Infinity"),
        new("-Infinity", "-Infinity"),
        new("1e400", "overflow"),
        new("99999999999999999999", "huge integer"),
    ];

    private static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
