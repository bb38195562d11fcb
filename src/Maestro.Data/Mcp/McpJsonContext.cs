using System.Text.Json.Serialization;

namespace Maestro.Data.Mcp;

/// <summary>The encrypted part of an MCP server: env values and headers.</summary>
internal sealed record McpSecrets(Dictionary<string, string> Env, Dictionary<string, string> Headers);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(McpSecrets))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class McpJsonContext : JsonSerializerContext;
