using Maestro.Core.Configuration;
using Maestro.Core.Errors;

namespace Maestro.Core.Access;

/// <summary>
/// The access token: <c>MAESTRO_ACCESS_TOKEN</c>, or a random token kept in <c>$MAESTRO_HOME/access-token</c> (mode
/// 0600), created on first use. A running server notices a rotated file by its modification time (one stat per check,
/// never a read per request), so <c>maestro access rotate</c> takes effect without a restart.
/// </summary>
public sealed class AccessTokenFile
{
    public const string FileName = "access-token";
    public const string EnvironmentVariable = "MAESTRO_ACCESS_TOKEN";
    private const int MinimumConfiguredLength = 32;

    private readonly string? _configured;
    private readonly Lock _lock = new();
    private Loaded? _loaded;

    public AccessTokenFile(MaestroHome home, string? configured)
    {
        Path = home.Combine(FileName);
        if (configured is not null)
        {
            _configured = configured.Trim();
            if (_configured.Length < MinimumConfiguredLength)
            {
                throw new MaestroException(
                    $"{EnvironmentVariable} is too short ({_configured.Length} characters); it must have at least {MinimumConfiguredLength}.",
                    "Use a long random value, e.g. `openssl rand -base64 32`, or unset it to use the token file in MAESTRO_HOME.");
            }
        }
    }

    /// <summary>Where the token file is (or would be).</summary>
    public string Path { get; }

    /// <summary>True when the token comes from <c>MAESTRO_ACCESS_TOKEN</c>: it cannot be rotated from here.</summary>
    public bool IsConfigured => _configured is not null;

    /// <summary>Where the token comes from, in words (never the token itself).</summary>
    public string Source => IsConfigured ? $"the environment variable {EnvironmentVariable}" : Path;

    /// <summary>Creates the token file when there is none (safe when several processes race on first start).</summary>
    public void EnsureCreated()
    {
        if (IsConfigured || File.Exists(Path))
        {
            return;
        }

        var temp = WriteTemp(AccessSecrets.Generate());
        try
        {
            // The first rename wins; a racing process then reads the winner's token.
            File.Move(temp, Path, overwrite: false);
        }
        catch (IOException)
        {
            File.Delete(temp);
        }
    }

    /// <summary>Replaces the token file with a new random token (atomically: readers see the old or the new one).</summary>
    public void Rotate()
    {
        if (IsConfigured)
        {
            throw new MaestroException(
                $"The access token comes from {EnvironmentVariable}, so it cannot be rotated here.",
                $"Set {EnvironmentVariable} to a new value on every Maestro instance and restart them.");
        }

        File.Move(WriteTemp(AccessSecrets.Generate()), Path, overwrite: true);
    }

    /// <summary>Whether <paramref name="presented"/> is the current token, in constant time.</summary>
    public bool Matches(string presented)
    {
        var expected = CurrentHash();
        return expected is not null && AccessSecrets.Equal(presented, expected);
    }

    /// <summary>The current token's hash; the file is re-read only when its modification time or size changed.</summary>
    private byte[]? CurrentHash()
    {
        if (_configured is not null)
        {
            return _loaded?.Hash ?? (_loaded = new Loaded(AccessSecrets.Hash(_configured), default, 0)).Hash;
        }

        var info = new FileInfo(Path);
        if (!info.Exists)
        {
            // Deleted while running: keep the token we knew rather than lock everyone out.
            return _loaded?.Hash;
        }

        var loaded = _loaded;
        if (loaded is not null && loaded.Modified == info.LastWriteTimeUtc && loaded.Length == info.Length)
        {
            return loaded.Hash;
        }

        lock (_lock)
        {
            try
            {
                var text = File.ReadAllText(Path).Trim();
                if (text.Length >= MinimumConfiguredLength)
                {
                    _loaded = new Loaded(AccessSecrets.Hash(text), info.LastWriteTimeUtc, info.Length);
                }
            }
            catch (IOException)
            {
                // Being replaced right now: the next check reads the new file.
            }

            return _loaded?.Hash;
        }
    }

    private string WriteTemp(string token)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var temp = $"{Path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        using var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(stream);
        writer.Write(token);
        writer.Write('\n');
        return temp;
    }

    private sealed record Loaded(byte[] Hash, DateTime Modified, long Length);
}
