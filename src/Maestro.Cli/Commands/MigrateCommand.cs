using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Data;
using Maestro.Data.Migrations;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Maestro.Cli.Commands;

/// <summary>`maestro migrate [--status]`: the database schema's migrations, listed or applied on purpose.</summary>
public static class MigrateCommand
{
    public static Command Create(Func<CliContext> context)
    {
        var status = new Option<bool>("--status") { Description = "Only list the applied and pending migrations; change nothing." };
        var json = CommonOptions.Json();
        var command = new Command("migrate", """
            Bring the database schema up to this Maestro's version, each migration in its own transaction (a failed one
            leaves the database as it was), under the lock that keeps several instances from migrating at once.

            Maestro also migrates at every start unless MAESTRO_AUTO_MIGRATE=0; with several instances, set that and run
            `maestro migrate` once per upgrade, from one machine, before starting the new version. Migrations only go
            forward: take a `maestro backup` before upgrading.
            """)
        { status, json };
        command.SetAction(async (parse, ct) =>
        {
            var ctx = context();
            var database = ctx.Get<MaestroDatabase>();
            var dataSource = await database.GetUnmigratedDataSourceAsync(ct);
            MigrationStatus before;
            await using (var connection = await dataSource.OpenConnectionAsync(ct))
            {
                before = await Migrator.ReadStatusAsync(connection, ct);
            }

            if (parse.GetValue(status))
            {
                Print(ctx, before, database.Location, parse.GetValue(json));
                return 0;
            }

            if (before.Unknown.Count > 0)
            {
                throw Migrator.NewerSchema(before);
            }

            await Migrator.MigrateAsync(dataSource, ctx.Get<ILoggerFactory>().CreateLogger("Maestro.Migrations"), ct);
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, new
                {
                    Applied = before.Pending.Select(m => m.Label).ToList(),
                    SchemaVersion = Math.Max(before.DatabaseVersion, before.BinaryVersion),
                });
                return 0;
            }

            if (before.Pending.Count == 0)
            {
                ctx.Console.MarkupLine($"Nothing to do: the database is at schema version {before.DatabaseVersion}, as this Maestro expects.");
                return 0;
            }

            foreach (var migration in before.Pending)
            {
                ctx.Console.MarkupLine($"[green]Applied[/] {Markup.Escape(migration.Label)}");
            }

            ctx.Console.MarkupLine($"The database is now at schema version {Math.Max(before.DatabaseVersion, before.BinaryVersion)}.");
            return 0;
        });
        return command;
    }

    private static void Print(CliContext ctx, MigrationStatus status, string location, bool json)
    {
        var unknown = status.Unknown.Select(u => u.Version).ToHashSet();
        var changed = status.Changed.Select(c => c.Version).ToHashSet();
        var rows = status.Applied
            .Select(a => new MigrationRow(a.Version, a.Name,
                unknown.Contains(a.Version) ? "unknown" : changed.Contains(a.Version) ? "changed" : "applied", a.AppliedAt))
            .Concat(status.Pending.Select(p => new MigrationRow(p.Version, p.Name, "pending", null)))
            .OrderBy(r => r.Version)
            .ToList();
        if (json)
        {
            Json.Write(ctx.Stdout, new MigrationReport(status.DatabaseVersion, status.BinaryVersion, rows));
            return;
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumns("Version", "Migration", "State", "Applied at");
        foreach (var row in rows)
        {
            var state = row.State switch
            {
                "pending" => "[yellow]pending[/]",
                "unknown" => "[red]unknown here[/]",
                "changed" => "[yellow]applied, changed since[/]",
                _ => "[green]applied[/]",
            };
            table.AddRow($"{row.Version:D4}", Markup.Escape(row.Name), state, row.AppliedAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        ctx.Console.Write(table);
        ctx.Console.MarkupLine(Markup.Escape($"Database {location}: schema version {status.DatabaseVersion}; this Maestro: {status.BinaryVersion}."));
        if (status.Unknown.Count > 0)
        {
            ctx.Console.MarkupLine("[red]A newer Maestro upgraded this database: this version refuses to use it.[/]");
        }
        else if (status.Pending.Count > 0)
        {
            ctx.Console.MarkupLine($"[yellow]{status.Pending.Count} pending: run `maestro migrate` (Maestro also applies them at start unless MAESTRO_AUTO_MIGRATE=0).[/]");
        }
        else
        {
            ctx.Console.MarkupLine("[green]Up to date.[/]");
        }
    }

    private sealed record MigrationRow(int Version, string Name, string State, DateTimeOffset? AppliedAt);

    private sealed record MigrationReport(int DatabaseVersion, int BinaryVersion, IReadOnlyList<MigrationRow> Migrations);
}
