using System.CommandLine;
using Maestro.Cli.Output;
using Maestro.Core.Providers;
using Maestro.Web.Api;
using Spectre.Console;

namespace Maestro.Cli.Commands;

public static class ProviderCommands
{
    public static Command Create(Func<CliContext> context)
    {
        var json = CommonOptions.Json();
        var command = new Command("providers", "List the providers Maestro can use, with their auth types and capabilities.") { json };
        command.SetAction(parse =>
        {
            var ctx = context();
            var providers = ctx.Get<ProviderRegistry>().All.Select(p => ProviderView.From(p.Descriptor)).ToList();
            if (parse.GetValue(json))
            {
                Json.Write(ctx.Stdout, providers);
                return 0;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("Id", "Name", "Auth types", "Capabilities", "Base URL");
            foreach (var p in providers)
            {
                table.AddRow(p.Id, Errors.Escape(p.DisplayName), string.Join(", ", p.AuthTypes), string.Join(", ", p.Features), Errors.Escape(p.BaseUrl));
            }

            ctx.Console.Write(table);
            return 0;
        });
        return command;
    }
}
