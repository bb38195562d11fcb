using System.Text.Json.Serialization;
using Maestro.Core.Auths;

namespace Maestro.Data;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthCredentials))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(List<Maestro.Core.Quota.QuotaWindow>))]
internal sealed partial class DataJsonContext : JsonSerializerContext;
