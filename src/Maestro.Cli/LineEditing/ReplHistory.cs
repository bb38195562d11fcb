using System.Text.Json;
using System.Text.RegularExpressions;

namespace Maestro.Cli.LineEditing;

/// <summary>
/// The REPL's entries across runs: a file in $MAESTRO_HOME (one JSON string per line, so multi-line entries survive),
/// newest last, at most <see cref="Limit"/> entries. Entries that look secret are never written: one that starts with a
/// space (the shells' convention for "keep this out of my history") or that holds something shaped like a credential
/// (a provider key prefix such as sk-, AIza, ghp_, or a long unbroken run of letters and digits).
/// </summary>
public sealed partial class ReplHistory
{
    public const int Limit = 1000;

    private readonly string? _path;
    private readonly List<string> _entries = [];

    public ReplHistory(string? path)
    {
        _path = path;
        if (path is null || !File.Exists(path))
        {
            return;
        }

        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length > 0 && JsonSerializer.Deserialize<string>(line) is { Length: > 0 } entry)
                {
                    _entries.Add(entry);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            // A damaged or unreadable history is not worth refusing the REPL for: start from what was read.
        }

        if (_entries.Count > Limit)
        {
            _entries.RemoveRange(0, _entries.Count - Limit);
        }
    }

    public IReadOnlyList<string> Entries => _entries;

    /// <summary>Whether an entry is kept out of the history file (and out of Up-arrow recall).</summary>
    public static bool IsSecret(string entry) => entry.StartsWith(' ') || CredentialShape().IsMatch(entry);

    /// <summary>Remembers an entry (unless secret, blank, or the same as the last one) and saves the file.</summary>
    public void Add(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || IsSecret(entry) || (_entries.Count > 0 && _entries[^1] == entry))
        {
            return;
        }

        _entries.Add(entry);
        var trimmed = _entries.Count > Limit;
        if (trimmed)
        {
            _entries.RemoveRange(0, _entries.Count - Limit);
        }

        Save(entry, rewrite: trimmed || (_path is not null && File.Exists(_path) && new FileInfo(_path).Length > 4 * 1024 * 1024));
    }

    /// <summary>A cursor for Up/Down while one entry is edited; the text typed before moving up comes back at the end.</summary>
    public Browser Browse() => new(this);

    private void Save(string entry, bool rewrite)
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            if (rewrite)
            {
                var temp = _path + ".tmp";
                using (var stream = Open(temp, FileMode.Create))
                using (var writer = new StreamWriter(stream))
                {
                    foreach (var e in _entries)
                    {
                        writer.Write(JsonSerializer.Serialize(e));
                        writer.Write('\n');
                    }
                }

                File.Move(temp, _path, overwrite: true);
            }
            else
            {
                using var stream = Open(_path, FileMode.Append);
                using var writer = new StreamWriter(stream);
                writer.Write(JsonSerializer.Serialize(entry));
                writer.Write('\n');
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // History is a convenience: a read-only home must not break the conversation.
        }
    }

    // Readable by its owner only: entries are the user's own words.
    private static FileStream Open(string path, FileMode mode) => new(path, new FileStreamOptions
    {
        Mode = mode,
        Access = FileAccess.Write,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });

    [GeneratedRegex(@"(?<![A-Za-z0-9])(sk-|sk_|pk_|rk_|AIza|ghp_|gho_|ghs_|github_pat_|glpat-|xox[abpr]-|AKIA|ya29\.)[A-Za-z0-9_\-\.]{8,}|[A-Za-z0-9_\-+=]{40,}|[Bb]earer\s+\S{16,}", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialShape();

    public sealed class Browser(ReplHistory history)
    {
        private int _index = history._entries.Count;
        private string _draft = "";

        public string? Previous(string current)
        {
            if (_index == 0)
            {
                return null;
            }

            if (_index == history._entries.Count)
            {
                _draft = current;
            }

            _index--;
            return history._entries[_index];
        }

        public string? Next()
        {
            if (_index >= history._entries.Count)
            {
                return null;
            }

            _index++;
            return _index == history._entries.Count ? _draft : history._entries[_index];
        }
    }
}
