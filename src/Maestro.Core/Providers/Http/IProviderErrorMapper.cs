namespace Maestro.Core.Providers.Http;

/// <summary>Turns a provider's error response (or in-stream error object) into a typed <see cref="ProviderException"/>.</summary>
public interface IProviderErrorMapper
{
    /// <param name="statusCode">The HTTP status, or null for an error event inside a stream.</param>
    /// <param name="body">The error body as the provider sent it (may be empty or not JSON).</param>
    /// <param name="retryAfter">From the Retry-After header (or the body), when present.</param>
    ProviderException Map(int? statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfter, ProviderRequestContext context);
}

/// <summary>What an error message needs to name: the auth, the model, the host.</summary>
public sealed record ProviderRequestContext(string Provider, string AuthLabel, string? Model, Uri BaseUrl);
