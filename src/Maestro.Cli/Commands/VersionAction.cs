using System.CommandLine;
using System.CommandLine.Invocation;
using System.Runtime.InteropServices;
using Maestro.Core;
using Maestro.Data.Migrations;

namespace Maestro.Cli.Commands;

/// <summary>
/// `maestro --version`: the version (from `git describe` in release builds), the commit, and the database schema
/// version this binary writes — what an operator compares before an upgrade or a restore. Never opens the database.
/// </summary>
public sealed class VersionAction : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine($"maestro {MaestroVersion.Version}");
        output.WriteLine($"commit {MaestroVersion.Commit ?? "unknown"}");
        output.WriteLine($"schema version {Migrator.SchemaVersion}");
        output.WriteLine($"runtime .NET {Environment.Version} ({RuntimeInformation.RuntimeIdentifier})");
        return 0;
    }

    /// <summary>Replaces the root command's standard --version behaviour (which prints only the version).</summary>
    public static void Install(RootCommand root)
    {
        foreach (var option in root.Options.OfType<VersionOption>())
        {
            option.Action = new VersionAction();
            option.Description = "Show the version, the commit it was built from, and the database schema version it uses.";
        }
    }
}
