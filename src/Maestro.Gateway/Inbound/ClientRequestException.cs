namespace Maestro.Gateway.Inbound;

/// <summary>
/// A request the gateway cannot serve as sent. Answered in the client's own error shape, naming the field (OpenAI's
/// <c>param</c>, Anthropic's <c>field: message</c>, Google's message) so a client library can show what to fix.
/// </summary>
public sealed class ClientRequestException(string? field, string message, int status = 400, string? code = null) : Exception(message)
{
    /// <summary>The offending field as a path (<c>messages[2].content[0].image_url</c>), when one is to blame.</summary>
    public string? Field { get; } = field;

    public int Status { get; } = status;

    /// <summary>A machine-readable code for OpenAI's <c>code</c> (e.g. <c>model_not_found</c>).</summary>
    public string? Code { get; } = code;

    /// <summary>"field: message", the way Anthropic and Google name a field in a message.</summary>
    public string FieldMessage => Field is null ? Message : $"{Field}: {Message}";
}
