namespace Maestro.Emulator.Gemini;

/// <summary>
/// Google's streamed JSON puts a space after every colon (<c>{"text": "Hi"}</c>) but none after commas; recorded in
/// every Gemini fixture. The emulator writes the same, so adapters are exercised against the real spacing.
/// </summary>
internal static class GoogleJsonSpacing
{
    public static byte[] Apply(byte[] json)
    {
        var colons = 0;
        var inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    i++;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b == (byte)':')
            {
                colons++;
            }
        }

        var spaced = new byte[json.Length + colons];
        var j = 0;
        inString = false;
        for (var i = 0; i < json.Length; i++)
        {
            var b = json[i];
            spaced[j++] = b;
            if (inString)
            {
                if (b == (byte)'\\')
                {
                    spaced[j++] = json[++i];
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }
            else if (b == (byte)':')
            {
                spaced[j++] = (byte)' ';
            }
        }

        return spaced;
    }
}
