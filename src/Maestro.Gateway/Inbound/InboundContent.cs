using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Inbound;

/// <summary>Content pieces every client format has in some shape: images by URL, tool declarations, tool results.</summary>
internal static class InboundContent
{
    /// <summary>The AdditionalProperties flag Maestro's adapters read for a failed tool's result.</summary>
    public const string IsErrorKey = "is_error";

    /// <summary>A <c>data:</c> URL as inline bytes, an http(s) URL as a link the provider fetches.</summary>
    public static AIContent Image(string url, string path, string? mediaType = null)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new DataContent(url);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                throw new ClientRequestException(path, $"The data URL is not valid ({ex.Message}); use data:image/png;base64,….");
            }
        }

        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return new UriContent(uri, mediaType ?? GuessImageType(uri));
        }

        throw new ClientRequestException(path, "Expected an http(s) URL or a data: URL with base64 image bytes.");
    }

    /// <summary>Base64 bytes with their media type.</summary>
    public static DataContent Data(string base64, string mediaType, string path)
    {
        try
        {
            return new DataContent(Convert.FromBase64String(base64), mediaType);
        }
        catch (FormatException)
        {
            throw new ClientRequestException(path, "The data is not valid base64.");
        }
        catch (ArgumentException ex)
        {
            throw new ClientRequestException(path, ex.Message);
        }
    }

    /// <summary>A function the model may call, with its JSON schema (an object schema when none is given).</summary>
    public static AIFunctionDeclaration Tool(string name, string? description, JsonElement? schema, string path)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ClientRequestException(JsonFields.Path(path, "name"), "A tool needs a name.");
        }

        var parameters = schema is { ValueKind: JsonValueKind.Object } given ? given.Clone() : EmptySchema;
        return AIFunctionFactory.CreateDeclaration(name, description, parameters);
    }

    public static FunctionResultContent ToolResult(string callId, object? result, bool isError)
    {
        var content = new FunctionResultContent(callId, result);
        if (isError)
        {
            content.AdditionalProperties = new() { [IsErrorKey] = true };
        }

        return content;
    }

    /// <summary>A call as a provider would have made it; unparsable arguments are kept as the raw text under "arguments".</summary>
    public static FunctionCallContent Call(string callId, string name, string? argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                return new FunctionCallContent(callId, name, Arguments(document.RootElement));
            }
        }
        catch (JsonException)
        {
            // Fall through: a model's broken arguments are history, not the client's mistake.
        }

        return new FunctionCallContent(callId, name, new Dictionary<string, object?> { ["arguments"] = argumentsJson });
    }

    public static Dictionary<string, object?> Arguments(JsonElement element)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return arguments;
    }

    public static ChatToolMode? ToolMode(string? choice, string? function, string path) => choice switch
    {
        null => null,
        "auto" => ChatToolMode.Auto,
        "none" => ChatToolMode.None,
        "required" or "any" => ChatToolMode.RequireAny,
        "function" or "tool" when function is { Length: > 0 } => ChatToolMode.RequireSpecific(function),
        "function" or "tool" => throw new ClientRequestException(path, "Name the function the model must call."),
        _ => throw new ClientRequestException(path, $"'{choice}' is not a tool choice; use auto, none, required or a function."),
    };

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    private static string GuessImageType(Uri uri)
    {
        var path = uri.AbsolutePath;
        return path.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png"
            : path.EndsWith(".gif", StringComparison.OrdinalIgnoreCase) ? "image/gif"
            : path.EndsWith(".webp", StringComparison.OrdinalIgnoreCase) ? "image/webp"
            : "image/jpeg";
    }
}
