using System.CommandLine;
using System.Diagnostics;
using Maestro.Cli.Output;
using Maestro.Core.Errors;
using Maestro.Core.Secrets;
using Maestro.Core.Turns;
using Maestro.Data;
using Maestro.Data.Backup;
using Maestro.Data.Migrations;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro restore FILE`: a backup into an empty database (or over one, with --replace).</summary>
public static class RestoreCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var file = new Argument<FileInfo>("file") { Description = "A file written by `maestro backup`." };
        var replace = new Option<bool>("--replace") { Description = "Overwrite a database that already holds data (everything in it is replaced)." };
        var command = new Command("restore", """
            Restore a backup written by `maestro backup` into this Maestro's database (DATABASE_URL, or the embedded one
            in $MAESTRO_HOME). The database must be empty unless --replace is given, and no Maestro may be running on it.

            Checks first, before changing anything: that this Maestro knows the backup's schema (a backup from a newer
            Maestro is refused; an older one is restored, then migrated forward), and that the secret key the backup's
            secrets were encrypted with is configured (MAESTRO_SECRET_KEY or $MAESTRO_HOME/secret.key, older keys in
            MAESTRO_SECRET_KEY_PREVIOUS). The restore is one transaction: if anything fails, the database is left as it was.
            """)
        { file, replace };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var info = parse.GetValue(file)!;
            if (!info.Exists)
            {
                throw new ValidationFailedException("file", $"{info.FullName} does not exist.");
            }

            await using var backup = await BackupReader.OpenAsync(info.OpenRead(), info.Name, ct);
            var manifest = backup.Manifest;
            ctx.Console.MarkupLine(Markup.Escape(
                $"Backup of {manifest.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss} by Maestro {manifest.MaestroVersion} (schema version {manifest.SchemaVersion}): " +
                $"{manifest.TotalRows:N0} rows in {manifest.Tables.Count} tables."));
            DatabaseRestore.CheckSchema(manifest);
            CheckKeys(manifest, ctx.Get<ISecretProtector>(), ctx.Get<SecretKeySource>());

            var database = ctx.Get<MaestroDatabase>();
            var progress = ProgressLine.ForStderr();
            var target = await database.GetUnmigratedDataSourceAsync(ct);
            var watch = Stopwatch.StartNew();
            await new DatabaseRestore(target)
                .RestoreAsync(backup, parse.GetValue(replace), p => BackupCommand.Show(progress, p), ct);
            progress.Clear();

            // Migrations newer than the backup, and the secret-key check, as at any start.
            await database.GetDataSourceAsync(ct);
            var interrupted = await InterruptRestoredTurnsAsync(ctx.Get<ITurnStore>(), ct);

            ctx.Console.MarkupLine($"[green]{Markup.Escape($"Restored {manifest.TotalRows:N0} rows in {watch.Elapsed.TotalSeconds:0.0} s into {database.Location}.")}[/]");
            if (Migrator.SchemaVersion > manifest.SchemaVersion)
            {
                ctx.Console.MarkupLine(Markup.Escape($"Migrated the restored data from schema version {manifest.SchemaVersion} to {Migrator.SchemaVersion}."));
            }

            if (interrupted > 0)
            {
                ctx.Console.MarkupLine(Markup.Escape($"{interrupted} turn(s) were running when the backup was taken: they are marked interrupted, their partial answers kept."));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The backup holds ciphertexts only: without the key they were made with, its auths would be useless.</summary>
    private static void CheckKeys(BackupManifest manifest, ISecretProtector protector, SecretKeySource source)
    {
        var missing = manifest.KeyIds.Where(k => !protector.KeyIds.Contains(k.Key)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var needed = string.Join(", ", missing.Select(k => $"{k.Key} ({k.Value} secret{(k.Value == 1 ? "" : "s")})"));
        throw new SecretKeyException(
            $"The backup's secrets are encrypted with key {needed}, but this Maestro has key {string.Join(", ", protector.KeyIds)} (from {source}). Nothing was restored.",
            source.IsKeyFile
                ? $"Copy the secret.key of the Maestro the backup came from to {source.FilePath} (or set MAESTRO_SECRET_KEY to that key), then restore again."
                : "Set MAESTRO_SECRET_KEY to the key of the Maestro the backup came from (older keys go in MAESTRO_SECRET_KEY_PREVIOUS), then restore again.");
    }

    private static async Task<int> InterruptRestoredTurnsAsync(ITurnStore turns, CancellationToken ct)
    {
        var count = 0;
        foreach (var turn in await turns.RunningAsync(ct))
        {
            if (await turns.InterruptAsync(turn.Id, "Restored from a backup taken while this turn was running.", ct))
            {
                count++;
            }
        }

        return count;
    }
}
