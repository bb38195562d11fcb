using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Maestro.Core.Providers;
using Maestro.Gateway.Inbound;
using Maestro.Gateway.Translation;
using Maestro.Wire;

namespace Maestro.Gateway.PassThrough;

/// <summary>
/// The client's body as the upstream gets it: the same bytes with the model's value replaced (spliced, not
/// re-serialized). Two rare cases rewrite the document: a Chat Completions stream that did not ask for usage gets
/// <c>stream_options.include_usage</c> (the gateway records usage per key; the extra chunk is not forwarded), and
/// signatures another provider made (wrapped by the gateway in an earlier answer) are unwrapped for their maker or removed.
/// </summary>
internal static class PassThroughBody
{
    private static readonly byte[] WrapMarker = "\"mae1:"u8.ToArray();
    private static readonly string[] SignatureFields = ["signature", "encrypted_content", "thoughtSignature", "data"];

    public static ReadOnlyMemory<byte> Rewrite(ReadOnlyMemory<byte> body, RequestProbe probe, WireApi api, string targetModel, string providerId, bool askUsage)
    {
        var rewriteDocument = body.Span.IndexOf(WrapMarker) >= 0 || (askUsage && probe.HasStreamOptions);
        if (rewriteDocument)
        {
            return RewriteDocument(body, api, targetModel, providerId, askUsage);
        }

        var spliced = probe.ModelStart >= 0 && api != WireApi.GenerateContent && probe.Model != targetModel
            ? Splice(body.Span, probe.ModelStart, probe.ModelLength, targetModel)
            : body;
        return askUsage ? InsertUsageOption(spliced.Span) : spliced;
    }

    private static byte[] Splice(ReadOnlySpan<byte> body, int start, int length, string model)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + model.Length + 8);
        buffer.Write(body[..start]);
        using (var writer = new Utf8JsonWriter(buffer, WireJson.Options))
        {
            writer.WriteStringValue(model);
        }

        buffer.Write(body[(start + length)..]);
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] InsertUsageOption(ReadOnlySpan<byte> body)
    {
        var open = body.IndexOf((byte)'{');
        var insert = "\"stream_options\":{\"include_usage\":true},"u8;
        var result = new byte[body.Length + insert.Length];
        body[..(open + 1)].CopyTo(result);
        insert.CopyTo(result.AsSpan(open + 1));
        body[(open + 1)..].CopyTo(result.AsSpan(open + 1 + insert.Length));
        return result;
    }

    private static byte[] RewriteDocument(ReadOnlyMemory<byte> body, WireApi api, string targetModel, string providerId, bool askUsage)
    {
        var root = JsonNode.Parse(body.Span) as JsonObject ?? throw new ClientRequestException(null, "The request body must be a JSON object.");
        if (api != WireApi.GenerateContent)
        {
            root["model"] = targetModel;
        }

        if (askUsage)
        {
            var options = root["stream_options"] as JsonObject ?? [];
            options["include_usage"] = true;
            root["stream_options"] = options;
        }

        Clean(root, providerId, api);
        return Encoding.UTF8.GetBytes(root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    /// <summary>Unwraps the target's own signatures; drops the blocks, items or fields that carry anyone else's.</summary>
    private static void Clean(JsonNode node, string providerId, WireApi api)
    {
        if (node is JsonArray array)
        {
            for (var i = array.Count - 1; i >= 0; i--)
            {
                if (array[i] is JsonObject item && Foreign(item, providerId, api) is { } field)
                {
                    // A thinking block or reasoning item is nothing without its signature; a part keeps its text.
                    if (field is "signature" or "data" or "encrypted_content")
                    {
                        array.RemoveAt(i);
                        continue;
                    }

                    item.Remove(field);
                }

                if (array[i] is { } child)
                {
                    Clean(child, providerId, api);
                }
            }
        }
        else if (node is JsonObject obj)
        {
            foreach (var (_, child) in obj.ToList())
            {
                if (child is JsonObject or JsonArray)
                {
                    Clean(child, providerId, api);
                }
            }
        }
    }

    /// <summary>The name of a field holding another provider's wrapped signature (unwrapping the target's own in place), or null.</summary>
    private static string? Foreign(JsonObject item, string providerId, WireApi api)
    {
        foreach (var field in SignatureFields)
        {
            if (item[field] is JsonValue value && value.TryGetValue<string>(out var text) && text.StartsWith("mae1:", StringComparison.Ordinal))
            {
                var (data, origin, _) = ReasoningOrigin.Unwrap(text, api);
                if (origin == ReasoningOrigin.Provider(providerId))
                {
                    item[field] = data;
                    return null;
                }

                return field;
            }
        }

        return null;
    }
}
