using System.Text.Encodings.Web;
using System.Text.Json;

namespace Maestro.Cli.Output;

/// <summary>`--json` output: snake_case like the REST API, indented for people, one document per command.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>For JSON-lines streams (one compact object per line).</summary>
    public static readonly JsonSerializerOptions Lines = new(Options) { WriteIndented = false };

    public static void Write<T>(TextWriter stdout, T value)
    {
        stdout.WriteLine(JsonSerializer.Serialize(value, Options));
        stdout.Flush();
    }
}
