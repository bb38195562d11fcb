using System.Buffers;
using System.Text;

namespace Maestro.Providers.Shared;

/// <summary>
/// Reads server-sent events from a provider's body by the same rules as <c>System.Net.ServerSentEvents.SseParser</c>
/// (LF, CRLF or CR line ends, a leading BOM, comments, one leading space after the colon, data lines joined with LF, an
/// unfinished event at the end dropped; tests hold the two to the same output), without its allocations per event: the
/// parser made a new string of the event type for every event (a fourteenth of what a streamed token allocated) and
/// boxed a state machine for every read that waited. Here each distinct type is made once per stream, the data is
/// gathered in a pooled buffer, and the caller reads the body into this reader's buffer itself.
/// </summary>
internal sealed class SseEventReader : IDisposable
{
    /// <summary>
    /// No line, and no event's data, may be longer: a body that never ends its line or its event fails as a broken stream
    /// instead of growing without bound.
    /// </summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    private const string DefaultEventType = "message";
    private const int MaxKnownTypes = 32;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _start;
    private int _end;
    private bool _bomChecked;

    // A line ended with CR as the last byte read: an LF that starts the next read belongs to it.
    private bool _skipLineFeed;

    private byte[] _data = ArrayPool<byte>.Shared.Rent(1024);
    private int _dataLength;
    private bool _hasData;
    private bool _handedOut;
    private string? _eventType;
    private readonly List<(byte[] Utf8, string Text)> _knownTypes = [];

    /// <summary>The current event's type ("message" when the event named none).</summary>
    public string EventType { get; private set; } = DefaultEventType;

    /// <summary>The current event's data; valid until the next <see cref="TryRead"/>.</summary>
    public ReadOnlySpan<byte> Data => _data.AsSpan(0, _dataLength);

    /// <summary>The body has ended: no event follows what <see cref="TryRead"/> still returns.</summary>
    public bool Ended { get; private set; }

    /// <summary>
    /// Takes the next complete event from what was read so far; false when more bytes are needed (read them into
    /// <see cref="Space"/> and call <see cref="Filled"/>) or the body has ended. The caller reads the body itself, so a
    /// read that waits for the network costs no state machine of this reader's.
    /// </summary>
    public bool TryRead()
    {
        if (_handedOut)
        {
            // The last event's data is done with.
            _handedOut = false;
            _dataLength = 0;
            _hasData = false;
        }

        while (TryTakeLine(out var start, out var length))
        {
            if (Process(_buffer.AsSpan(start, length)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where the next read of the body goes (the unread bytes moved to the front, the buffer grown when full).</summary>
    public Memory<byte> Space()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            if (_buffer.Length >= MaxLineBytes)
            {
                throw new InvalidDataException($"a stream line was longer than {MaxLineBytes / (1024 * 1024)} MB");
            }

            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, _end).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Counts the bytes a read put into <see cref="Space"/>; 0 means the body ended.</summary>
    public void Filled(int read)
    {
        Ended |= read == 0;
        _end += read;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        ArrayPool<byte>.Shared.Return(_data);
        _buffer = [];
        _data = [];
    }

    private bool TryTakeLine(out int start, out int length)
    {
        start = length = 0;
        if (!_bomChecked)
        {
            if (_end - _start < 3 && !Ended)
            {
                return false;
            }

            _bomChecked = true;
            if (_buffer.AsSpan(_start, _end - _start).StartsWith("\uFEFF"u8))
            {
                _start += 3;
            }
        }

        if (_skipLineFeed && _start < _end)
        {
            _skipLineFeed = false;
            if (_buffer[_start] == (byte)'\n')
            {
                _start++;
            }
        }

        var unread = _buffer.AsSpan(_start, _end - _start);
        var end = unread.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            // An unfinished line: more bytes are needed (at the end of the body, it is dropped with its event).
            return false;
        }

        start = _start;
        length = end;
        var consumed = end + 1;
        if (unread[end] == (byte)'\r')
        {
            if (end + 1 < unread.Length)
            {
                consumed += unread[end + 1] == (byte)'\n' ? 1 : 0;
            }
            else
            {
                _skipLineFeed = true;
            }
        }

        _start += consumed;
        return true;
    }

    /// <summary>Applies one line; true when it completed an event.</summary>
    private bool Process(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            if (!_hasData)
            {
                // As SseParser does: the type waits for an event with data (a browser would forget it here).
                return false;
            }

            EventType = _eventType ?? DefaultEventType;
            _eventType = null;
            _handedOut = true;
            return true;
        }

        if (line[0] == (byte)':')
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (value.Length > 0 && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (field.SequenceEqual("data"u8))
        {
            AppendData(value);
        }
        else if (field.SequenceEqual("event"u8))
        {
            _eventType = TypeName(value);
        }

        // id and retry matter to a browser reconnecting; a provider's answer is never resumed that way.
        return false;
    }

    private void AppendData(ReadOnlySpan<byte> value)
    {
        var needed = _dataLength + value.Length + (_hasData ? 1 : 0);
        if (needed > MaxLineBytes)
        {
            throw new InvalidDataException($"a stream event was longer than {MaxLineBytes / (1024 * 1024)} MB");
        }

        if (needed > _data.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _data.Length * 2));
            _data.AsSpan(0, _dataLength).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = larger;
        }

        if (_hasData)
        {
            _data[_dataLength++] = (byte)'\n';
        }

        value.CopyTo(_data.AsSpan(_dataLength));
        _dataLength += value.Length;
        _hasData = true;
    }

    private string TypeName(ReadOnlySpan<byte> utf8)
    {
        foreach (var (bytes, text) in _knownTypes)
        {
            if (utf8.SequenceEqual(bytes))
            {
                return text;
            }
        }

        var name = Encoding.UTF8.GetString(utf8);
        if (_knownTypes.Count < MaxKnownTypes)
        {
            _knownTypes.Add((utf8.ToArray(), name));
        }

        return name;
    }
}
