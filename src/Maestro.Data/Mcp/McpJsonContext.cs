using System.Text.Json.Serialization;

namespace Maestro.Data.Mcp;

/// <summary>
/// The encrypted part of an MCP server: its whole definition. Rows written before migration 6 hold only env and
/// headers here (command, args and URL were plaintext columns) until <see cref="McpDefinitionUpgrade"/> moves them.
/// </summary>
internal sealed record McpSecrets(
    Dictionary<string, string> Env,
    Dictionary<string, string> Headers,
    string? Command = null,
    List<string>? Args = null,
    string? Url = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(McpSecrets))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
