using System.Buffers;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace Maestro.Bench.Load;

/// <summary>
/// One viewer of a session's live events (<c>GET /api/sessions/{s}/events</c>), as cheap as a client can be: the SSE
/// framing is parsed by System.Net.ServerSentEvents and each data line read once with a <see cref="Utf8JsonReader"/>;
/// the text itself is never turned into strings, only hashed (FNV-1a over its UTF-8 bytes) and counted, with every
/// delta's offset checked against what came before: a gap, a repeat or a reordering is caught at the token it happens.
/// A snapshot (the first event, or one sent mid-stream to a viewer that fell too far behind) restarts the text.
/// </summary>
public sealed class LoadViewer(LoadSession session, Uri server)
{
    private const ulong FnvOffset = 14695981039346656037;
    private const ulong FnvPrime = 1099511628211;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _scratch = new byte[4096];

    public LoadSession Session { get; } = session;

    public Uri Server { get; } = server;

    /// <summary>Subscribed: the first event (the snapshot) arrived.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The turn's turn_finished arrived (or the stream failed; see <see cref="Problem"/>).</summary>
    public Task Finished => _finished.Task;

    public long FirstTextTimestamp { get; private set; }

    public long Chars { get; private set; }

    public ulong Hash { get; private set; } = FnvOffset;

    public int Snapshots { get; private set; }

    public int TextEvents { get; private set; }

    public long OutputTokens { get; private set; }

    public string? TurnStatus { get; private set; }

    public string? TurnError { get; private set; }

    /// <summary>The first thing that went wrong for this viewer (a gap or repeat in the text, a dropped stream).</summary>
    public string? Problem { get; private set; }

    public async Task RunAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Server, $"api/sessions/{Session.Name}/events"));
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                Fail($"viewer: HTTP {(int)response.StatusCode} opening the event stream");
                return;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(body, OnEvent).EnumerateAsync(cancellationToken))
            {
                if (item.Data)
                {
                    _finished.TrySetResult();
                    return;
                }
            }

            Fail("viewer: the server ended the event stream before the turn finished");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _ready.TrySetResult();
            _finished.TrySetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            Fail($"viewer: {ex.GetType().Name} ({ex.Message})");
        }
    }

    private void Fail(string problem)
    {
        Problem ??= problem;
        _ready.TrySetResult();
        _finished.TrySetResult();
    }

    /// <summary>Applies one event; true when the turn finished.</summary>
    private bool OnEvent(string type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case "delta":
                OnDelta(data);
                return false;
            case "snapshot":
                OnSnapshot(data);
                _ready.TrySetResult();
                return false;
            case "turn_finished":
                OnTurnFinished(data);
                return true;
            default:
                return false;
        }
    }

    private void OnDelta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        ReadOnlySpan<byte> kind = default;
        var text = -1;
        long? offset = null;
        long outputTokens = -1;
        if (!FindObject(ref reader, "delta"u8))
        {
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.ValueSpan;
            }
            else if (reader.ValueTextEquals("text"u8))
            {
                reader.Read();
                text = reader.TokenType == JsonTokenType.String ? CopyText(ref reader) : -1;
            }
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                offset = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : null;
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                outputTokens = reader.TokenType == JsonTokenType.Number ? reader.GetInt64() : -1;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (kind.SequenceEqual("usage"u8) && outputTokens >= 0)
        {
            OutputTokens += outputTokens;
            return;
        }

        if (!kind.SequenceEqual("text"u8) || text <= 0)
        {
            return;
        }

        if (FirstTextTimestamp == 0)
        {
            FirstTextTimestamp = Stopwatch.GetTimestamp();
        }

        TextEvents++;
        var at = offset ?? Chars;
        if (at != Chars && Problem is null)
        {
            Problem = at < Chars ? "viewer: text repeated (a delta came twice)" : "viewer: text missing (a delta never came)";
        }

        Append(_scratch.AsSpan(0, text));
    }

    private void OnSnapshot(ReadOnlySpan<byte> data)
    {
        Snapshots++;
        var reader = new Utf8JsonReader(data);
        var running = false;
        var text = 0;
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1)
            {
                continue;
            }

            if (reader.ValueTextEquals("turn"u8))
            {
                reader.Read();
                running = ReadStatus(ref reader, out _) == "running";
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isText = reader.ValueTextEquals("text"u8);
                    reader.Read();
                    if (isText && reader.TokenType == JsonTokenType.String)
                    {
                        text = CopyText(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
        }

        // The snapshot holds the message written so far: the text restarts from it.
        Hash = FnvOffset;
        Chars = 0;
        if (running && text > 0)
        {
            FirstTextTimestamp = FirstTextTimestamp == 0 ? Stopwatch.GetTimestamp() : FirstTextTimestamp;
            Append(_scratch.AsSpan(0, text));
        }
    }

    private void OnTurnFinished(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (FindObject(ref reader, "turn"u8))
        {
            TurnStatus = ReadStatus(ref reader, out var error);
            TurnError = error;
        }
    }

    /// <summary>Reads the status and error of a "turn" object the reader is at the start of.</summary>
    private static string? ReadStatus(ref Utf8JsonReader reader, out string? error)
    {
        string? status = null;
        error = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                status = reader.GetString();
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                error = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return status;
    }

    /// <summary>Moves the reader into the top-level object property <paramref name="name"/>; false when absent or null.</summary>
    private static bool FindObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(name))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.StartObject;
            }
        }

        return false;
    }

    /// <summary>The unescaped UTF-8 bytes of the current string into the scratch buffer; returns their count.</summary>
    private int CopyText(ref Utf8JsonReader reader)
    {
        var needed = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (needed > _scratch.Length)
        {
            _scratch = new byte[Math.Max(needed, _scratch.Length * 2)];
        }

        return reader.CopyString(_scratch);
    }

    private void Append(ReadOnlySpan<byte> utf8)
    {
        var hash = Hash;
        foreach (var b in utf8)
        {
            hash = (hash ^ b) * FnvPrime;
        }

        Hash = hash;
        Chars += Encoding.UTF8.GetCharCount(utf8);
    }

    /// <summary>The same hash and length for a whole text (the reference answer).</summary>
    public static (ulong Hash, long Chars) Measure(string text)
    {
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            var count = Encoding.UTF8.GetBytes(text, bytes);
            var hash = FnvOffset;
            foreach (var b in bytes.AsSpan(0, count))
            {
                hash = (hash ^ b) * FnvPrime;
            }

            return (hash, text.Length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }
}
