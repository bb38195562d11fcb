namespace Maestro.Emulator.Anthropic;

/// <summary>
/// Anthropic pads most data lines with spaces before the final <c>}</c> (<c>..."text":"Hi"}      }</c>, in every
/// recording). The emulator pads too, by a deterministic varying amount, so parsers that choke on it fail here first.
/// </summary>
internal sealed class AnthropicPadding
{
    private int _events;

    public byte[] Apply(byte[] json)
    {
        var spaces = (_events++ * 7) % 16;
        if (spaces == 0 || json.Length == 0 || json[^1] != (byte)'}')
        {
            return json;
        }

        var padded = new byte[json.Length + spaces];
        json.AsSpan(0, json.Length - 1).CopyTo(padded);
        padded.AsSpan(json.Length - 1, spaces).Fill((byte)' ');
        padded[^1] = (byte)'}';
        return padded;
    }
}
