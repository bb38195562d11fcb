using System.Text;

namespace Maestro.Tests.Providers.OpenAI;

/// <summary>
/// A deliberately plain SSE splitter for reference extractions in tests: blank-line separated events, "event:" and
/// "data:" lines. It shares nothing with the adapters (which use System.Net.ServerSentEvents).
/// </summary>
public static class RawSse
{
    public sealed record Event(string? Type, string Data, int End);

    public static List<Event> Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
        var events = new List<Event>();
        var offset = 0;
        foreach (var block in text.Split("\n\n"))
        {
            offset += Encoding.UTF8.GetByteCount(block) + 2;
            string? type = null;
            var data = new List<string>();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event:", StringComparison.Ordinal))
                {
                    type = line["event:".Length..].Trim();
                }
                else if (line.StartsWith("data:", StringComparison.Ordinal))
                {
                    data.Add(line["data:".Length..].TrimStart(' '));
                }
            }

            if (data.Count > 0)
            {
                events.Add(new Event(type, string.Join("\n", data), Math.Min(offset, bytes.Length)));
            }
        }

        return events;
    }
}
