using Maestro.Core.Auths;

namespace Maestro.Core.Providers;

/// <summary>
/// An optional capability of an <see cref="IProvider"/>: forwarding a request that is already written in one of the
/// provider's own wire APIs, with only the model and the credentials changed (the gateway's same-family pass-through,
/// which keeps signatures, server tools and fields Maestro does not know). The request is sent through the auth's
/// <see cref="IProvider.Endpoint"/>, which signs it like Maestro's own.
/// </summary>
public interface IPassThroughProvider
{
    /// <summary>The method that counts a request's input tokens (Messages <c>count_tokens</c>, Gemini <c>countTokens</c>).</summary>
    public const string CountTokens = "count_tokens";

    /// <summary>The wire API this auth's requests are written in, or null when it has none of <see cref="WireApi"/>.</summary>
    WireApi? NativeApi(AuthRecord auth);

    /// <summary>
    /// Where a request written in <paramref name="api"/> can be sent as it is for this connection, or null when the
    /// backend needs it rewritten (an envelope, fields it refuses) and it must be translated instead.
    /// </summary>
    /// <param name="method">A method of the API other than generating, e.g. <see cref="CountTokens"/>; null to generate.</param>
    PassThroughEndpoint? PassThrough(ProviderConnection connection, WireApi api, string model, bool stream, string? method = null);
}

/// <param name="Url">The upstream URL (model and streaming mode already in it where the API puts them there).</param>
/// <param name="Headers">Headers the API requires (Anthropic's version), sent when the client did not send its own.</param>
public sealed record PassThroughEndpoint(Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public PassThroughEndpoint(Uri url)
        : this(url, [])
    {
    }
}
