using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>
/// An optional capability of an <see cref="IProvider"/>: forwarding a request that is already written in one of the
/// provider's own wire APIs, with only the model and the credentials changed (the gateway's same-family pass-through,
/// which keeps signatures, server tools and fields Maestro does not know).
/// </summary>
public interface IPassThroughProvider
{
    /// <summary>The wire API this auth's requests are written in, or null when it has none of <see cref="WireApi"/>.</summary>
    WireApi? NativeApi(AuthRecord auth);

    /// <summary>
    /// Where a request written in <paramref name="api"/> can be sent as it is for this connection, or null when the
    /// backend needs it rewritten (an envelope, fields it refuses) and it must be translated instead.
    /// </summary>
    /// <param name="method">A method of the API other than generating, e.g. <see cref="CountTokens"/>; null to generate.</param>
    PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null);

    /// <summary>The method that counts a request's input tokens (Messages <c>count_tokens</c>, Gemini <c>countTokens</c>).</summary>
    public const string CountTokens = "count_tokens";
}

/// <param name="Url">The upstream URL (model and streaming mode already in it where the API puts them there).</param>
/// <param name="Authorize">Adds the auth's credentials (and headers the provider requires) to a request.</param>
/// <param name="Errors">Reads the provider's error bodies.</param>
public sealed record PassThroughEndpoint(
    Uri Url,
    Action<HttpRequestMessage, AuthCredentials> Authorize,
    Http.IProviderErrorMapper Errors);
