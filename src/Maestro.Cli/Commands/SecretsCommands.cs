using System.CommandLine;
using System.Diagnostics;
using Maestro.Cli.Output;
using Maestro.Core.Secrets;
using Maestro.Data;
using Maestro.Data.Secrets;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro secrets status|rotate`: which keys protect the stored secrets, and moving them all to a new key.</summary>
public static class SecretsCommands
{
    private const int DefaultBatchSize = 200;

    public static Command Create(Func<CliContext> context)
    {
        var secrets = new Command("secrets", "The key that encrypts stored secrets (API keys, OAuth tokens, MCP headers): status and rotation.");
        secrets.Subcommands.Add(Status(context));
        secrets.Subcommands.Add(Rotate(context));
        return secrets;
    }

    private static Command Status(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("status", "Show the current key id, the keys still accepted, and how many stored secrets each key id protects.") { json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var protector = ctx.Get<ISecretProtector>();
            var source = ctx.Get<SecretKeySource>();
            // Unmigrated and unchecked: this is where to look when the key does not match.
            var dataSource = await ctx.Get<MaestroDatabase>().GetUnmigratedDataSourceAsync(ct);
            IReadOnlyList<KeyUsage> usage;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                usage = await SecretKeyUsage.ReadAsync(connection, null, ct);
            }

            var keys = usage.GroupBy(u => u.KeyId)
                .Select(g => new KeyRow(g.Key, Role(g.Key, protector), g.Sum(u => u.Count), g.ToDictionary(u => u.Column, u => u.Count)))
                .Concat(protector.KeyIds.Where(id => usage.All(u => u.KeyId != id)).Select(id => new KeyRow(id, Role(id, protector), 0, new Dictionary<string, long>())))
                .OrderBy(k => k.Role == "current" ? 0 : k.Role == "previous" ? 1 : 2).ThenBy(k => k.KeyId, StringComparer.Ordinal)
                .ToList();
            var stale = keys.Where(k => k.Role != "current").Sum(k => k.Secrets);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, new StatusReport(protector.CurrentKeyId, source.ToString(), protector.KeyIds.Skip(1).ToList(), stale, keys));
                return 0;
            }

            ctx.Console.MarkupLine(Markup.Escape($"Current key: {protector.CurrentKeyId} (from {source})"));
            var table = new Table().Border(TableBorder.Rounded).AddColumns("Key id", "Role", "Secrets", "Where");
            foreach (var key in keys)
            {
                var role = key.Role switch
                {
                    "current" => "[green]current[/]",
                    "previous" => "[yellow]previous (decrypts only)[/]",
                    _ => "[red]unknown: not configured[/]",
                };
                table.AddRow(key.KeyId, role, key.Secrets.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    Markup.Escape(string.Join(", ", key.Columns.Select(c => $"{c.Key} {c.Value}"))));
            }

            ctx.Console.Write(table);
            if (keys.Any(k => k.Role == "unknown" && k.Secrets > 0))
            {
                ctx.Console.MarkupLine("[red]Some secrets use a key that is not configured: they cannot be read. Add that key to MAESTRO_SECRET_KEY_PREVIOUS.[/]");
            }
            else if (stale > 0)
            {
                ctx.Console.MarkupLine($"[yellow]{stale:N0} secret(s) still use an older key: run `maestro secrets rotate` to re-encrypt them with {protector.CurrentKeyId}.[/]");
            }
            else
            {
                ctx.Console.MarkupLine($"[green]Every stored secret uses the current key {protector.CurrentKeyId}.[/]");
            }

            return 0;
        });
        return command;
    }

    private static Command Rotate(Func<CliContext> context)
    {
        var batchSize = new Option<int>("--batch-size")
        {
            Description = $"Secrets re-encrypted per transaction (default {DefaultBatchSize}). Each batch is committed, so an interrupted rotation resumes where it stopped.",
            DefaultValueFactory = _ => DefaultBatchSize,
            HelpName = "N",
        };
        var command = new Command("rotate", """
            Re-encrypt every stored secret with a new key, batch by batch, with progress. Safe to interrupt (Ctrl+C, a
            crash): run it again and it carries on; the old key keeps working until it has finished.

            Embedded mode (key file $MAESTRO_HOME/secret.key): generates the new key into the key file, keeps the old one
            readable there until every secret is re-encrypted, then removes it. A running `maestro serve` picks the new
            key up by itself.

            With MAESTRO_SECRET_KEY: you provide the new key. Set MAESTRO_SECRET_KEY to it and MAESTRO_SECRET_KEY_PREVIOUS
            to the old one (on every instance, then restart them), then run this; afterwards drop the old key from
            MAESTRO_SECRET_KEY_PREVIOUS. See docs/operations.md, "Rotating the secret key".

            Backups taken before the rotation still need the old key: keep a copy of it with them.
            """)
        { batchSize };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var size = parse.GetValue(batchSize);
            if (size < 1)
            {
                throw new Core.Errors.ValidationFailedException("--batch-size", $"{size} is not a batch size: give 1 or more.");
            }

            var protector = ctx.Get<ISecretProtector>();
            var source = ctx.Get<SecretKeySource>();
            // Opening the database checks that the configured key(s) read its secrets before anything changes.
            var dataSource = await ctx.Get<MaestroDatabase>().GetDataSourceAsync(ct);
            await using var rotationLock = await SecretRotation.LockAsync(dataSource, ct);
            var oldKeys = protector.KeyIds.Skip(1).ToList();
            if (source.IsKeyFile)
            {
                var keys = SecretKeyFile.Read(source.FilePath!);
                if (keys.Count == 1)
                {
                    var fresh = SecretKey.Generate();
                    SecretKeyFile.Write(source.FilePath!, [fresh, keys[0]]);
                    oldKeys = [keys[0].Id];
                    ctx.Console.MarkupLine(Markup.Escape($"Generated the new key {fresh.Id} in {source.FilePath}; the old key {keys[0].Id} stays readable until the rotation finishes."));
                }
                else
                {
                    oldKeys = [.. keys.Skip(1).Select(k => k.Id)];
                    ctx.Console.MarkupLine(Markup.Escape($"Resuming the rotation to key {keys[0].Id} (the old key {string.Join(", ", oldKeys)} stays readable until it finishes)."));
                }
            }

            var progress = ProgressLine.ForStderr();
            var watch = Stopwatch.StartNew();
            long rotated;
            try
            {
                rotated = await new SecretRotation(dataSource, protector).RotateAsync(size,
                    p => progress.Report($"Re-encrypted {p.Done:N0}/{p.Total:N0} secrets{ProgressLine.Percent(p.Done, p.Total)} ({p.Column})"), ct);
            }
            catch (OperationCanceledException)
            {
                progress.Clear();
                await Console.Error.WriteLineAsync("Interrupted. What was re-encrypted is kept, and the old key stays readable: run `maestro secrets rotate` again to finish.");
                return 130;
            }

            progress.Clear();
            var current = protector.CurrentKeyId;
            if (source.IsKeyFile)
            {
                // Every secret is under the new key now: the old one protects nothing in this database any more.
                var keys = SecretKeyFile.Read(source.FilePath!);
                if (keys.Count > 1)
                {
                    SecretKeyFile.Write(source.FilePath!, [keys[0]]);
                }
            }

            ctx.Console.MarkupLine($"[green]{Markup.Escape($"Re-encrypted {rotated:N0} secret(s) in {watch.Elapsed.TotalSeconds:0.0} s: every stored secret now uses key {current}.")}[/]");
            if (oldKeys.Count > 0)
            {
                ctx.Console.MarkupLine(Markup.Escape(source.IsKeyFile
                    ? $"The old key {string.Join(", ", oldKeys)} was removed from {source.FilePath}. Backups taken before now still need it."
                    : $"The old key {string.Join(", ", oldKeys)} is no longer needed by the database: remove it from MAESTRO_SECRET_KEY_PREVIOUS on every instance when no backup you keep needs it."));
            }
            else if (rotated == 0)
            {
                ctx.Console.MarkupLine(Markup.Escape(
                    "Nothing to rotate. To move to a new key, set MAESTRO_SECRET_KEY to it (openssl rand -base64 32) and MAESTRO_SECRET_KEY_PREVIOUS to the current one, then run this again."));
            }

            return 0;
        });
        return command;
    }

    private static string Role(string keyId, ISecretProtector protector) =>
        keyId == protector.CurrentKeyId ? "current" : protector.KeyIds.Contains(keyId) ? "previous" : "unknown";

    private sealed record KeyRow(string KeyId, string Role, long Secrets, IReadOnlyDictionary<string, long> Columns);

    private sealed record StatusReport(string CurrentKeyId, string Source, IReadOnlyList<string> PreviousKeyIds, long StaleSecrets, IReadOnlyList<KeyRow> Keys);
}
