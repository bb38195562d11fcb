using Maestro.Core.Providers;

namespace Maestro.Providers.Anthropic;

/// <summary>Messages requests forwarded as they are: to <c>/v1/messages</c> (or <c>/count_tokens</c>), with the configured version unless the client names one.</summary>
internal static class AnthropicPassThrough
{
    public static PassThroughEndpoint? For(ProviderConnection connection, AnthropicOptions options, WireApi api, string? method)
    {
        if (api != WireApi.Messages || method is not (null or IPassThroughProvider.CountTokens))
        {
            return null;
        }

        var path = method is null ? "/v1/messages" : "/v1/messages/count_tokens";
        return new PassThroughEndpoint(
            AnthropicHttpRequests.Url(connection.BaseUrl, path),
            [new KeyValuePair<string, string>("anthropic-version", options.ApiVersion)]);
    }
}
