using System.Text.Json;
using Maestro.Core.Errors;

namespace Maestro.Core.Mcp;

/// <summary>
/// Reads the <c>mcpServers</c> JSON used by Claude Desktop, Claude Code (.mcp.json), Cursor and others:
/// <c>{"mcpServers": {"name": {"command", "args", "env", "cwd"} | {"type": "http"|"sse"|"streamable-http", "url", "headers"}}}</c>.
/// The object without the wrapper, and VS Code's <c>"servers"</c> wrapper, are accepted too.
/// </summary>
public static class McpJsonImport
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <exception cref="ValidationFailedException">The text is not JSON, or not an object of servers.</exception>
    public static IReadOnlyList<McpImportCandidate> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ValidationFailedException("json", $"Not valid JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationFailedException("json", "Expected a JSON object: {\"mcpServers\": {\"name\": {\"command\": ...}}}.");
            }

            var servers = root.TryGetProperty("mcpServers", out var wrapped) ? wrapped
                : root.TryGetProperty("servers", out var vscode) && vscode.ValueKind == JsonValueKind.Object ? vscode
                : root;
            if (servers.ValueKind != JsonValueKind.Object)
            {
                throw new ValidationFailedException("json", "\"mcpServers\" must be an object that maps server names to their settings.");
            }

            if (LooksLikeOneServer(servers))
            {
                throw new ValidationFailedException("json",
                    "This is one server's settings without a name: wrap it as {\"mcpServers\": {\"name\": {...}}}, or use `claude mcp add-json <name> '<json>'`.");
            }

            var candidates = new List<McpImportCandidate>();
            foreach (var property in servers.EnumerateObject())
            {
                candidates.Add(FromEntry(property.Name, property.Value));
            }

            return candidates;
        }
    }

    /// <summary>One server's settings (an entry of <c>mcpServers</c>, or the JSON of <c>claude mcp add-json</c>).</summary>
    public static McpImportCandidate FromEntry(string name, JsonElement entry)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            return McpImportCandidate.Invalid(name, "must be an object with \"command\" (a local server) or \"url\" (a remote one).");
        }

        try
        {
            var notes = new List<string>();
            var type = OptionalString(entry, "type") ?? OptionalString(entry, "transport");
            var command = OptionalString(entry, "command");
            var url = OptionalString(entry, "url") ?? OptionalString(entry, "serverUrl");
            McpTransport transport;
            if (type is not null)
            {
                transport = McpTransportNames.TryParse(type)
                    ?? throw new FormatException($"unknown type '{type}': use stdio, http (streamable-http) or sse.");
            }
            else if (command is not null && url is not null)
            {
                throw new FormatException("has both \"command\" and \"url\": give one (a local command, or a remote URL).");
            }
            else if (url is not null)
            {
                transport = McpTransport.Http;
                notes.Add("no \"type\" given: the URL is taken as streamable HTTP");
            }
            else
            {
                transport = McpTransport.Stdio;
            }

            if (transport == McpTransport.Stdio && command is null)
            {
                throw new FormatException(url is null ? "has neither \"command\" nor \"url\"." : "is a stdio server but has no \"command\".");
            }

            if (transport.IsRemote() && url is null)
            {
                throw new FormatException($"is a {transport.ToWire()} server but has no \"url\".");
            }

            var enabled = OptionalBool(entry, "disabled") is true ? false : OptionalBool(entry, "enabled");
            var spec = transport == McpTransport.Stdio
                ? new McpServerSpec
                {
                    Name = name,
                    Transport = "stdio",
                    Command = command,
                    Args = StringList(entry, "args"),
                    Env = StringMap(entry, "env"),
                    WorkingDirectory = OptionalString(entry, "cwd") ?? OptionalString(entry, "workingDirectory"),
                    Enabled = enabled,
                }
                : new McpServerSpec
                {
                    Name = name,
                    Transport = transport.ToWire(),
                    Url = url,
                    Headers = StringMap(entry, "headers"),
                    Enabled = enabled,
                };
            return new McpImportCandidate(name, spec, null, notes);
        }
        catch (FormatException ex)
        {
            return McpImportCandidate.Invalid(name, ex.Message);
        }
    }

    private static bool LooksLikeOneServer(JsonElement servers) =>
        (servers.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.String) ||
        (servers.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String);

    private static string? OptionalString(JsonElement entry, string name) =>
        !entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : throw new FormatException($"\"{name}\" must be a string.");

    private static bool? OptionalBool(JsonElement entry, string name) =>
        !entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new FormatException($"\"{name}\" must be true or false.");

    private static List<string>? StringList(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"\"{name}\" must be a list of strings.");
        }

        return [.. value.EnumerateArray().Select(item => Scalar(item) ?? throw new FormatException($"\"{name}\" must be a list of strings."))];
    }

    private static Dictionary<string, string?>? StringMap(JsonElement entry, string name)
    {
        if (!entry.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"\"{name}\" must be an object of names and string values.");
        }

        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var item in value.EnumerateObject())
        {
            map[item.Name] = Scalar(item.Value) ?? throw new FormatException($"\"{name}.{item.Name}\" must be a string.");
        }

        return map;
    }

    /// <summary>Strings as they are; numbers and booleans as written (configuration files often hold "PORT": 8080).</summary>
    private static string? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };
}
