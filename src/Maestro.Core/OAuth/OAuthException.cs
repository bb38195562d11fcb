using Maestro.Core.Errors;

namespace Maestro.Core.OAuth;

/// <summary>An authorization-server call failed, classified so refresh knows whether to retry or ask for a new login.</summary>
/// <param name="ErrorCode">The server's error code (<c>invalid_grant</c>, <c>refresh_token_reused</c>, …) when it sent one.</param>
public sealed class OAuthException(
    OAuthFailure failure, string message, string? hint = null, string? errorCode = null, int? statusCode = null, Exception? inner = null)
    : MaestroException(message, hint, inner)
{
    public OAuthFailure Failure { get; } = failure;

    public string? ErrorCode { get; } = errorCode;

    public int? StatusCode { get; } = statusCode;

    public bool IsPermanent => Failure == OAuthFailure.Rejected;

    public override string Code => Failure == OAuthFailure.Rejected ? "oauth_rejected" : "oauth_unavailable";
}
