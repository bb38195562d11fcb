using System.Text.Json.Serialization;
using Maestro.Core.OAuth;

namespace Maestro.Data.OAuth;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OAuthFlowSecrets))]
[JsonSerializable(typeof(OAuthLoginOptions))]
internal sealed partial class OAuthDataJsonContext : JsonSerializerContext;
