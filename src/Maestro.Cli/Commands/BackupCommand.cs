using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Data;
using Maestro.Data.Backup;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro backup FILE`: a consistent snapshot of the whole database, taken while Maestro runs.</summary>
public static class BackupCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var file = new Argument<string>("file")
        {
            Description = "Where to write the backup (gzip-compressed). A folder gets a file named maestro-<UTC date and time>.backup; - writes to standard output.",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite FILE if it exists." };
        var json = CommonOptions.Json();
        var command = new Command("backup", """
            Write a consistent snapshot of everything in Maestro's database: auths, sessions, threads, messages, turns,
            approvals, usage, MCP servers, prompts, the sign-in password, OAuth logins in progress, and every table later
            versions add (not browser sessions: a restore signs browsers out). It runs while Maestro serves (nothing is
            paused or locked for writers) and shows its progress on standard error.

            Secrets stay encrypted in the file and the key is never written into it: keep the secret key beside your
            backups (MAESTRO_SECRET_KEY, or $MAESTRO_HOME/secret.key in embedded mode), and the access token
            (MAESTRO_ACCESS_TOKEN, or $MAESTRO_HOME/access-token). Restore with `maestro restore FILE`.
            """)
        { file, force, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var path = parse.GetValue(file)!;
            var toStdout = path == "-";
            if (!toStdout && (Directory.Exists(path) || path.EndsWith('/')))
            {
                path = Path.Combine(path, $"maestro-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}.backup");
            }

            if (!toStdout && File.Exists(path) && !parse.GetValue(force))
            {
                throw new ValidationFailedException("file", $"{path} already exists. Choose another name, or add --force to overwrite it.");
            }

            // Only the database as it is: a backup taken before an upgrade must not apply that upgrade's migrations.
            var dataSource = await ctx.Get<MaestroDatabase>().GetUnmigratedDataSourceAsync(ct);
            var progress = ProgressLine.ForStderr();
            var watch = Stopwatch.StartNew();
            BackupManifest manifest;
            long bytes;
            if (toStdout)
            {
                await using var stdout = Console.OpenStandardOutput();
                manifest = await new DatabaseBackup(dataSource, TimeProvider.System).WriteAsync(stdout, p => Show(progress, p), ct);
                bytes = -1;
            }
            else
            {
                (manifest, bytes) = await WriteFileAsync(dataSource, Path.GetFullPath(path), progress, ct);
            }

            progress.Clear();
            var summary = new BackupSummary(toStdout ? null : Path.GetFullPath(path), bytes < 0 ? null : bytes, manifest.SchemaVersion,
                manifest.Tables.Count, manifest.TotalRows, manifest.KeyIds.Keys.ToList(), Math.Round(watch.Elapsed.TotalSeconds, 2));
            if (parse.GetValue(json))
            {
                // With the backup itself on standard output, the summary goes to standard error.
                Json.Write(toStdout ? Console.Error : ctx.Stdout, summary);
                return 0;
            }

            var keys = manifest.KeyIds.Count == 0 ? "no stored secrets" : $"secret key {string.Join(", ", manifest.KeyIds.Keys)} to read its secrets";
            var message = $"Backed up {manifest.TotalRows:N0} rows in {manifest.Tables.Count} tables (schema version {manifest.SchemaVersion}) " +
                          $"{(toStdout ? "to standard output" : $"to {summary.File} ({Size(bytes)})")} in {watch.Elapsed.TotalSeconds:0.0} s. Restoring it needs {keys}.";
            if (toStdout)
            {
                await Console.Error.WriteLineAsync(message);
            }
            else
            {
                ctx.Console.MarkupLine($"[green]{Markup.Escape(message)}[/]");
            }

            return 0;
        });
        return command;
    }

    /// <summary>
    /// Writes beside the target and renames at the end, so FILE is only ever a complete backup (mode 0600: it holds
    /// conversations and encrypted credentials).
    /// </summary>
    private static async Task<(BackupManifest, long)> WriteFileAsync(Npgsql.NpgsqlDataSource dataSource, string path, ProgressLine progress, CancellationToken ct)
    {
        var partial = $"{path}.partial-{Environment.ProcessId}";
        try
        {
            BackupManifest manifest;
            await using (var stream = new FileStream(partial, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                BufferSize = 1 << 16,
            }))
            {
                manifest = await new DatabaseBackup(dataSource, TimeProvider.System).WriteAsync(stream, p => Show(progress, p), ct);
                await stream.FlushAsync(ct);
                stream.Flush(flushToDisk: true);
            }

            File.Move(partial, path, overwrite: true);
            return (manifest, new FileInfo(path).Length);
        }
        catch (DirectoryNotFoundException)
        {
            throw new ValidationFailedException("file", $"The folder of {path} does not exist.");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new ValidationFailedException("file", $"Cannot write {path}: {ex.Message}");
        }
        finally
        {
            File.Delete(partial);
        }
    }

    internal static void Show(ProgressLine progress, BackupProgress p) =>
        progress.Report($"{p.Table}: {p.TableDone:N0}/{p.TableRows:N0} rows · {p.Done:N0}/{p.Total:N0} in all{ProgressLine.Percent(p.Done, p.Total)}",
            milestone: p.TableFinished);

    internal static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
    };

    private sealed record BackupSummary(string? File, long? Bytes, int SchemaVersion, int Tables, long Rows, IReadOnlyList<string> KeyIds, double Seconds);
}
