using System.Text.RegularExpressions;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Operations;

/// <summary>
/// docs/operations.md stays true to the CLI: every `maestro …` command in its shell blocks exists, with every option it
/// uses. (What the commands do is run by the other tests of this folder; this catches a renamed command or option.)
/// </summary>
public sealed partial class OperationsGuideTests
{
    [Fact]
    public async Task Every_maestro_command_in_the_guide_exists_with_the_options_it_uses()
    {
        var commands = GuideCommands().ToList();
        commands.Count.ShouldBeGreaterThan(10, "the guide's shell blocks were not found");

        foreach (var (path, options) in commands
            .GroupBy(c => string.Join(' ', c.Path))
            .Select(g => (g.First().Path, g.SelectMany(c => c.Options).Distinct().ToList())))
        {
            var help = await CliRunner.RunAsync(new Dictionary<string, string?>(), [.. path, "--help"]);
            help.ExitCode.ShouldBe(0, $"maestro {string.Join(' ', path)} --help\n{help}");
            foreach (var option in options)
            {
                help.Stdout.ShouldContain(option, Case.Sensitive, $"`maestro {string.Join(' ', path)}` has no {option}");
            }
        }
    }

    /// <summary>Each `maestro` command line in the guide's bash blocks: its subcommand words and its --options.</summary>
    private static IEnumerable<(string[] Path, string[] Options)> GuideCommands()
    {
        var guide = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "operations.md"));
        foreach (Match block in BashBlock().Matches(guide))
        {
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var line = raw.Split(" #")[0].Split('|')[0];
                var command = CommandLine().Match(line);
                if (!command.Success)
                {
                    continue;
                }

                var tokens = command.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var path = tokens.TakeWhile(t => Word().IsMatch(t)).ToArray();
                var options = tokens.Where(t => t.StartsWith("--", StringComparison.Ordinal)).Select(t => t.Split('=')[0]).ToArray();
                yield return (path, options);
            }
        }
    }

    [GeneratedRegex("```bash\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex BashBlock();

    // "maestro …", "/opt/maestro/maestro …", after optional sudo and VAR=value prefixes; not "sudo -u maestro …".
    [GeneratedRegex(@"^\s*(?:sudo\s+)?(?:[A-Z_]+=\S+\s+)*(?:\S*/)?maestro\s+(.+)$")]
    private static partial Regex CommandLine();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex Word();
}
