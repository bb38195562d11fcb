using System.Collections.Concurrent;
using System.Reflection;

namespace Maestro.Emulator.Scenarios;

/// <summary>
/// The recorded provider streams embedded in this assembly (Fixtures/providers/**/*.sse), looked up by folder
/// (<c>anthropic/messages</c>, <c>openai/responses</c>, <c>openai/chat-completions</c>, <c>gemini/generate-content</c>) and name.
/// </summary>
internal sealed class FixtureLibrary
{
    private const string Prefix = "fixtures/";
    private const string Extension = ".sse";

    private readonly Assembly _assembly = typeof(FixtureLibrary).Assembly;
    private readonly ConcurrentDictionary<string, byte[]> _loaded = new(StringComparer.Ordinal);

    public bool TryGet(string folder, string name, out byte[] bytes)
    {
        bytes = [];
        // Names are plain file names: no path tricks reach other resources.
        if (name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal))
        {
            return false;
        }

        var resource = Prefix + folder + "/" + name + Extension;
        if (_loaded.TryGetValue(resource, out var cached))
        {
            bytes = cached;
            return true;
        }

        using var stream = _assembly.GetManifestResourceStream(resource);
        if (stream is null)
        {
            return false;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        bytes = _loaded.GetOrAdd(resource, buffer.ToArray());
        return true;
    }

    public IReadOnlyList<string> Names(string folder)
    {
        var prefix = Prefix + folder + "/";
        return _assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(Extension, StringComparison.Ordinal)
                && n.IndexOf('/', prefix.Length) < 0)
            .Select(n => n[prefix.Length..^Extension.Length])
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Cuts a recording into its events (each ending with its blank line, LF or CRLF) without changing a byte,
    /// so a replay can be streamed and paced event by event and still concatenate to the file.
    /// </summary>
    public static List<ReadOnlyMemory<byte>> Events(ReadOnlyMemory<byte> recording)
    {
        var events = new List<ReadOnlyMemory<byte>>();
        var span = recording.Span;
        var start = 0;
        var i = 0;
        while (i < span.Length)
        {
            var end = span[i] != (byte)'\n' ? -1
                : i + 1 < span.Length && span[i + 1] == (byte)'\n' ? i + 2
                : i + 2 < span.Length && span[i + 1] == (byte)'\r' && span[i + 2] == (byte)'\n' ? i + 3
                : -1;
            if (end < 0)
            {
                i++;
                continue;
            }

            events.Add(recording[start..end]);
            start = i = end;
        }

        if (start < span.Length)
        {
            events.Add(recording[start..]);
        }

        return events;
    }
}
