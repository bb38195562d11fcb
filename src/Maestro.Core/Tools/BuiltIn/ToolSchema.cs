using System.Text.Json;

namespace Maestro.Core.Tools.BuiltIn;

internal static class ToolSchema
{
    /// <summary>Schemas are written as JSON text so they read exactly as the model receives them.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
