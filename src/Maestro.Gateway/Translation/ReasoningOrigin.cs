using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Translation;

/// <summary>
/// Reasoning signatures (Anthropic thinking signatures, OpenAI encrypted reasoning, Gemini thought signatures) are only
/// ever sent back to the provider that made them. A signature rendered in the client's own API family is written as it
/// is; one from another provider is wrapped (<c>mae1:provider:item:data</c>) so that, when the client sends the history
/// back, the gateway knows whose it is. Before a call, signatures that belong to someone else are dropped and their
/// reasoning text kept.
/// </summary>
internal static class ReasoningOrigin
{
    /// <summary>AdditionalProperties key on reasoning and call contents: where their signature came from.</summary>
    public const string Key = "maestro_origin";

    /// <summary>The AdditionalProperties key Maestro's adapters use for a provider's reasoning item id (OpenAI <c>rs_…</c>).</summary>
    public const string ItemIdKey = "item_id";

    /// <summary>The AdditionalProperties key Maestro's adapters use for a signature carried by a function call (Gemini).</summary>
    public const string CallSignatureKey = "thought_signature";

    private const string Prefix = "mae1:";

    /// <summary>The origin of a signature the client sent unwrapped: it belongs to the client's own API.</summary>
    public static string Native(WireApi api) => "api:" + api.ToString();

    public static string Provider(string providerId) => "provider:" + providerId;

    /// <summary>What to write in the client's signature field for data produced by <paramref name="producer"/>.</summary>
    /// <param name="producerSpeaksClientApi">The producer's own API is the client's: write the data as it is.</param>
    public static string Wrap(string data, string producer, bool producerSpeaksClientApi, string? itemId = null) =>
        producerSpeaksClientApi ? data : string.Concat(Prefix, producer, ":", itemId ?? "", ":", data);

    /// <summary>A signature as the client sent it: the data, whose it is, and the producer's item id if one was kept.</summary>
    public static (string Data, string Origin, string? ItemId) Unwrap(string signature, WireApi clientApi)
    {
        if (signature.StartsWith(Prefix, StringComparison.Ordinal))
        {
            var rest = signature.AsSpan(Prefix.Length);
            var first = rest.IndexOf(':');
            if (first > 0)
            {
                var second = rest[(first + 1)..].IndexOf(':');
                if (second >= 0)
                {
                    var provider = rest[..first].ToString();
                    var item = rest.Slice(first + 1, second);
                    return (rest[(first + second + 2)..].ToString(), Provider(provider), item.IsEmpty ? null : item.ToString());
                }
            }
        }

        return (signature, Native(clientApi), null);
    }

    /// <summary>
    /// The history as <paramref name="providerId"/> may see it: signatures from anyone else removed (their reasoning
    /// text stays), the origin markers gone. Messages without foreign signatures are passed through unchanged.
    /// </summary>
    public static List<ChatMessage> ForTarget(List<ChatMessage> messages, string providerId, WireApi? nativeApi)
    {
        var own = Provider(providerId);
        var native = nativeApi is { } api ? Native(api) : null;
        List<ChatMessage>? result = null;
        for (var m = 0; m < messages.Count; m++)
        {
            var message = messages[m];
            List<AIContent>? contents = null;
            for (var c = 0; c < message.Contents.Count; c++)
            {
                var content = message.Contents[c];
                var replaced = Filter(content, own, native);
                if (!ReferenceEquals(replaced, content) && contents is null)
                {
                    contents = [.. message.Contents.Take(c)];
                }

                if (contents is not null && replaced is not null)
                {
                    contents.Add(replaced);
                }
            }

            if (contents is not null)
            {
                result ??= [.. messages.Take(m)];
                result.Add(new ChatMessage(message.Role, contents) { AuthorName = message.AuthorName, MessageId = message.MessageId });
            }
            else
            {
                result?.Add(message);
            }
        }

        return result ?? messages;
    }

    /// <summary>The content as the target may see it; null to drop it.</summary>
    private static AIContent? Filter(AIContent content, string own, string? native)
    {
        var origin = content.AdditionalProperties?.TryGetValue(Key, out var value) == true ? value as string : null;
        if (origin is null)
        {
            return content;
        }

        var keep = origin == own || origin == native;
        switch (content)
        {
            case TextReasoningContent reasoning:
                if (keep)
                {
                    return new TextReasoningContent(reasoning.Text) { ProtectedData = reasoning.ProtectedData, AdditionalProperties = Without(reasoning.AdditionalProperties) };
                }

                return reasoning.Text.Length == 0 ? null : new TextReasoningContent(reasoning.Text);
            case FunctionCallContent call:
                var properties = Without(call.AdditionalProperties);
                if (!keep)
                {
                    properties?.Remove(CallSignatureKey);
                }

                return new FunctionCallContent(call.CallId, call.Name, call.Arguments) { AdditionalProperties = properties };
            default:
                return content;
        }
    }

    private static AdditionalPropertiesDictionary? Without(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
        {
            return null;
        }

        var copy = new AdditionalPropertiesDictionary(properties);
        copy.Remove(Key);
        return copy.Count == 0 ? null : copy;
    }
}
