using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Maestro.Emulator;

/// <summary>
/// A fault in its textual form <c>kind[:arg]</c>, the same text used by <c>maestro emulate --fault</c>,
/// by <c>fault:&lt;kind&gt;[:&lt;arg&gt;]</c> model names and by the <c>fault</c> field of a scripted response.
/// </summary>
[JsonConverter(typeof(EmulatorFaultJsonConverter))]
public sealed record EmulatorFault(FaultKind Kind, int? Argument = null)
{
    /// <summary>Events sent before a stream fault strikes when the text gives no count.</summary>
    public const int DefaultEventCount = 3;

    /// <summary>Seconds in <c>Retry-After</c> when <c>429</c> gives none.</summary>
    public const int DefaultRetryAfterSeconds = 1;

    /// <summary>True for faults answered with an HTTP error status instead of a body.</summary>
    public bool IsStatusFault => Kind is FaultKind.RateLimited or FaultKind.Overloaded or FaultKind.Unavailable
        or FaultKind.ServerError or FaultKind.Unauthorized;

    /// <summary>For stream faults: how many events go out before the fault.</summary>
    public int EventCount => Argument ?? DefaultEventCount;

    public static EmulatorFault Parse(string text) =>
        TryParse(text, out var fault, out var error) ? fault : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out EmulatorFault? fault, [NotNullWhen(false)] out string? error)
    {
        fault = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "A fault is required: 429[:seconds], 529, 503, 500, 401, disconnect:K, malformed[:K], stall[:K] or truncate[:K].";
            return false;
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var name = (colon < 0 ? text : text[..colon]).Trim().ToLowerInvariant();
        int? argument = null;
        if (colon >= 0)
        {
            if (!int.TryParse(text.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                error = $"Fault '{text}': the argument after ':' must be a whole number of seconds or events.";
                return false;
            }

            argument = value;
        }

        FaultKind? kind = name switch
        {
            "429" => FaultKind.RateLimited,
            "529" => FaultKind.Overloaded,
            "503" => FaultKind.Unavailable,
            "500" => FaultKind.ServerError,
            "401" => FaultKind.Unauthorized,
            "disconnect" => FaultKind.Disconnect,
            "malformed" => FaultKind.Malformed,
            "stall" => FaultKind.Stall,
            "truncate" => FaultKind.Truncate,
            _ => null,
        };
        if (kind is null)
        {
            error = $"Unknown fault '{name}'. Use 429[:seconds], 529, 503, 500, 401, disconnect:K, malformed[:K], stall[:K] or truncate[:K].";
            return false;
        }

        if (argument is not null && kind is FaultKind.Overloaded or FaultKind.Unavailable or FaultKind.ServerError or FaultKind.Unauthorized)
        {
            error = $"Fault '{name}' takes no argument.";
            return false;
        }

        if (argument is null && kind is FaultKind.Disconnect)
        {
            error = "Fault 'disconnect' needs the number of events to send first: disconnect:K.";
            return false;
        }

        fault = new EmulatorFault(kind.Value, argument);
        return true;
    }

    public override string ToString()
    {
        var name = Kind switch
        {
            FaultKind.RateLimited => "429",
            FaultKind.Overloaded => "529",
            FaultKind.Unavailable => "503",
            FaultKind.ServerError => "500",
            FaultKind.Unauthorized => "401",
            FaultKind.Disconnect => "disconnect",
            FaultKind.Malformed => "malformed",
            FaultKind.Stall => "stall",
            _ => "truncate",
        };
        return Argument is { } arg ? string.Create(CultureInfo.InvariantCulture, $"{name}:{arg}") : name;
    }
}

/// <summary>Faults travel as their text (<c>"429:2"</c>) in scripts and control requests.</summary>
internal sealed class EmulatorFaultJsonConverter : JsonConverter<EmulatorFault>
{
    public override EmulatorFault? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // "fault": 429 is a natural thing to type; accept it like "429".
            return EmulatorFault.Parse(reader.GetInt32().ToString(CultureInfo.InvariantCulture));
        }

        var text = reader.GetString();
        return EmulatorFault.TryParse(text, out var fault, out var error) ? fault : throw new JsonException(error);
    }

    public override void Write(Utf8JsonWriter writer, EmulatorFault value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
