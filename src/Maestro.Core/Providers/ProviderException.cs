using Maestro.Core.Errors;

namespace Maestro.Core.Providers;

/// <summary>
/// A provider call failed. <see cref="Exception.Message"/> is a one-line explanation naming the auth, model or host
/// as relevant; <see cref="ProviderMessage"/> keeps the provider's own words.
/// </summary>
public sealed class ProviderException : MaestroException
{
    public ProviderException(
        ProviderErrorKind kind,
        string message,
        string? providerMessage = null,
        int? statusCode = null,
        TimeSpan? retryAfter = null,
        string? providerErrorType = null,
        Exception? inner = null,
        string? hint = null)
        : base(message, hint, inner)
    {
        Kind = kind;
        ProviderMessage = providerMessage;
        StatusCode = statusCode;
        RetryAfter = retryAfter;
        ProviderErrorType = providerErrorType;
    }

    public ProviderErrorKind Kind { get; }

    public string? ProviderMessage { get; }

    public int? StatusCode { get; }

    public TimeSpan? RetryAfter { get; }

    /// <summary>The provider's own error type/code, e.g. <c>overloaded_error</c>, <c>context_length_exceeded</c>.</summary>
    public string? ProviderErrorType { get; }

    public bool IsTransient => Kind.IsTransient();

    public override string Code => Kind.ToWire();
}
