using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Maestro.Core.Errors;

namespace Maestro.Data.Backup;

/// <summary>Reads a backup file line by line; opening it reads and checks the manifest without touching any database.</summary>
public sealed class BackupReader : IAsyncDisposable
{
    private readonly Stream _file;
    private readonly StreamReader _reader;
    private readonly string _name;

    private BackupReader(Stream file, string name, StreamReader reader, BackupManifest manifest)
    {
        _file = file;
        _name = name;
        _reader = reader;
        Manifest = manifest;
    }

    public BackupManifest Manifest { get; }

    public static async Task<BackupReader> OpenAsync(Stream file, string name, CancellationToken cancellationToken)
    {
        var reader = new StreamReader(new GZipStream(file, CompressionMode.Decompress, leaveOpen: true), new UTF8Encoding(false), false, 1 << 16);
        try
        {
            var first = await reader.ReadLineAsync(cancellationToken);
            var manifest = first is null ? null : Parse(first, BackupJsonContext.Default.BackupManifest);
            if (manifest is null || manifest.Format != BackupFormat.Name)
            {
                throw NotABackup(name, "it does not start with a Maestro backup manifest");
            }

            if (manifest.FormatVersion > BackupFormat.Version)
            {
                throw new MaestroException(
                    $"{name} is a backup in format {manifest.FormatVersion}, made by Maestro {manifest.MaestroVersion}; this Maestro reads format {BackupFormat.Version}.",
                    $"Restore it with Maestro {manifest.MaestroVersion} or newer.");
            }

            return new BackupReader(file, name, reader, manifest);
        }
        catch (InvalidDataException)
        {
            reader.Dispose();
            throw NotABackup(name, "it is not gzip data");
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The next line; a missing one means the file was cut off.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadLineAsync(cancellationToken) ?? throw Damaged("it ends early (was the copy cut off?)");
        }
        catch (InvalidDataException ex)
        {
            throw Damaged($"its compressed data is corrupt ({ex.Message})");
        }
    }

    public async Task<T> ReadRecordAsync<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken);
        return Parse(line, type) ?? throw Damaged($"{what} was expected, not '{Shorten(line)}'");
    }

    public MaestroException Damaged(string reason) => new(
        $"The backup {_name} is damaged: {reason}. Nothing was changed.",
        "Use another copy of the backup.");

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _file.DisposeAsync();
    }

    private static T? Parse<T>(string line, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        if (!line.StartsWith('{'))
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(line, type);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string Shorten(string line) => line.Length > 60 ? line[..60] + "…" : line;

    private static MaestroException NotABackup(string name, string reason) => new(
        $"{name} is not a Maestro backup: {reason}.",
        "Give a file written by `maestro backup`.");
}
