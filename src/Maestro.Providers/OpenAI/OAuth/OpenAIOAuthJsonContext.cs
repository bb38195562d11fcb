using System.Text.Json.Serialization;

namespace Maestro.Providers.OpenAI.OAuth;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OpenAIOAuthProvider.DeviceHandle))]
internal sealed partial class OpenAIOAuthJsonContext : JsonSerializerContext;
