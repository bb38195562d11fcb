using System.Text.Json;

namespace Maestro.Gateway.Inbound;

/// <summary>
/// One pass over a request body without building it: the model, whether it streams, what it needs (images, tools)
/// and where the model's value sits, so a same-family request can be forwarded with only its model rewritten.
/// Also proves the body is one JSON object.
/// </summary>
/// <param name="ModelStart">Byte offset of the model's JSON string token (quotes included), or -1.</param>
internal sealed record RequestProbe(string? Model, bool Stream, bool HasStreamOptions, bool IncludeUsage, RequestNeeds Needs, int ModelStart, int ModelLength)
{
    /// <exception cref="ClientRequestException">The body is empty, not JSON, or not an object.</exception>
    public static RequestProbe Read(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new ClientRequestException(null, "The request body is empty: send a JSON object.");
        }

        string? model = null;
        bool stream = false, hasStreamOptions = false, includeUsage = false;
        var needs = RequestNeeds.None;
        int modelStart = -1, modelLength = 0;
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new ClientRequestException(null, "The request body must be a JSON object.");
            }

            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                var depth = reader.CurrentDepth;
                if (depth == 1)
                {
                    if (reader.ValueTextEquals("model"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String)
                        {
                            model = reader.GetString();
                            modelStart = (int)reader.TokenStartIndex;
                            modelLength = (int)(reader.BytesConsumed - reader.TokenStartIndex);
                        }
                    }
                    else if (reader.ValueTextEquals("stream"u8))
                    {
                        reader.Read();
                        stream = reader.TokenType == JsonTokenType.True;
                    }
                    else if (reader.ValueTextEquals("stream_options"u8))
                    {
                        hasStreamOptions = true;
                    }
                    else if (reader.ValueTextEquals("tools"u8))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.StartArray && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                        {
                            needs |= RequestNeeds.Tools;
                        }
                    }

                    continue;
                }

                if (depth == 2 && hasStreamOptions && reader.ValueTextEquals("include_usage"u8))
                {
                    reader.Read();
                    includeUsage = reader.TokenType == JsonTokenType.True;
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String &&
                        (reader.ValueTextEquals("image_url"u8) || reader.ValueTextEquals("input_image"u8) || reader.ValueTextEquals("image"u8)))
                    {
                        needs |= RequestNeeds.Images;
                    }
                }
                else if (reader.ValueTextEquals("mimeType"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.StartsWith("image/"u8))
                    {
                        needs |= RequestNeeds.Images;
                    }
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ClientRequestException(null, $"The request body is not valid JSON: {ex.Message}");
        }

        return new RequestProbe(model, stream, hasStreamOptions, includeUsage, needs, modelStart, modelLength);
    }
}
