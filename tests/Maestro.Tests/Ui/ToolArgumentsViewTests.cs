using System.Text.Json;
using Maestro.Web.Components.Chat;

namespace Maestro.Tests.Ui;

/// <summary>How tool calls read on their cards: a shell call as its command, file edits and writes as diffs.</summary>
public sealed class ToolArgumentsViewTests
{
    [Fact]
    public void A_shell_call_reads_as_its_command()
    {
        var view = ToolArgumentsView.From("shell", Json("""{"command": "ls -la \"my dir\"", "timeout_seconds": 5}"""));
        view.Kind.ShouldBe("command");
        view.Command.ShouldBe("ls -la \"my dir\"");
        view.Json.ShouldContain("timeout_seconds");
    }

    [Fact]
    public void An_edit_reads_as_a_diff_with_shared_lines_as_context()
    {
        var before = string.Join('\n', Enumerable.Range(1, 10).Select(i => $"line {i}"));
        var after = before.Replace("line 5", "line five", StringComparison.Ordinal);
        var view = ToolArgumentsView.From("edit_file", Json(JsonSerializer.Serialize(new { path = "a.txt", old_string = before, new_string = after })));

        view.Kind.ShouldBe("diff");
        view.Path.ShouldBe("a.txt");
        view.Diff!.Where(l => l.Sign == '-').Select(l => l.Text).ShouldBe(["line 5"]);
        view.Diff!.Where(l => l.Sign == '+').Select(l => l.Text).ShouldBe(["line five"]);
        view.Diff![0].ShouldBe(new DiffLine('…', "1 unchanged line"));
        view.Diff!.Count(l => l.Sign == ' ').ShouldBe(6);
    }

    [Fact]
    public void A_write_adds_every_line_and_a_huge_one_is_cut_with_a_note()
    {
        var view = ToolArgumentsView.From("write_file", Json(JsonSerializer.Serialize(new { path = "b.txt", content = "one\r\ntwo\n" })));
        view.Diff!.ShouldBe([new DiffLine('+', "one"), new DiffLine('+', "two")]);

        var big = string.Join('\n', Enumerable.Range(1, 1000).Select(i => $"l{i}"));
        var cut = ToolArgumentsView.From("write_file", Json(JsonSerializer.Serialize(new { path = "c.txt", content = big })));
        cut.Diff!.Count.ShouldBe(ToolArgumentsView.MaxDiffLines + 1);
        cut.Diff![^1].Text.ShouldBe("600 more lines (see Arguments)");
    }

    [Fact]
    public void Other_tools_and_odd_arguments_stay_json()
    {
        ToolArgumentsView.From("grep", Json("""{"pattern": "x"}""")).Kind.ShouldBe("json");
        ToolArgumentsView.From("shell", Json("""{"command": 42}""")).Kind.ShouldBe("json");
        ToolArgumentsView.From("shell", (IDictionary<string, object?>?)null).Json.ShouldBe("{}");
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();
}
