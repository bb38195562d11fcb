using Maestro.Emulator;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// The REPL streams an answer as text and, once the message is finished, shows it rendered as Markdown in its place on a
/// terminal; with the output in a file the Markdown source is kept as it came.
/// </summary>
public sealed class ReplMarkdownTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "key-repl-markdown";

    private const string Answer = """
        # Release notes

        This build is **important**: run `maestro serve` and read [the guide](https://example.com/guide).

        - first item
        - second item with *emphasis*

        1. one
        2. two

        ```python
        def greet(name):
            return "hi " + name
        ```

        | Model | Window |
        |-------|-------:|
        | sonnet | 200000 |

        """;

    private CliEmulatorBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await CliEmulatorBed.StartAsync(postgres, "replmd", Key);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task A_finished_answer_is_shown_as_rendered_markdown_in_place_of_its_source()
    {
        _bed.Emulator.Control.Enqueue(Key, ScriptedResponse.FromText(Answer));
        await using var repl = PtyProcess.Start(_bed.Env.Settings, "chat", "anthropic/emu");
        await repl.WaitForPromptAsync(1);
        await repl.TypeAsync("Show me the notes\r");
        await repl.WaitForAsync("out tokens");
        await repl.WaitForPromptAsync(2);
        await repl.TypeAsync("/quit\r");
        (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

        // It streamed as source first…
        repl.Raw.ShouldContain("# Release notes");
        var lines = repl.Screen.Lines;
        var screen = repl.Screen.Text;

        // …and the screen now shows it rendered: no heading marks, emphasis or code marks; bullets and numbers; the code
        // as written; the link's address beside its text; a table with borders.
        lines.ShouldContain("Release notes", screen);
        lines.ShouldNotContain(l => l.Contains("# Release", StringComparison.Ordinal), screen);
        lines.ShouldContain(l => l.StartsWith("This build is important: run maestro serve and read the guide (https://example.com/guide).", StringComparison.Ordinal), screen);
        screen.ShouldNotContain("**");
        screen.ShouldNotContain("`");
        lines.ShouldContain("• first item", screen);
        lines.ShouldContain("• second item with emphasis", screen);
        lines.ShouldContain("1. one", screen);
        lines.ShouldContain("2. two", screen);
        lines.ShouldContain("def greet(name):", screen);
        lines.ShouldContain("    return \"hi \" + name", screen);
        lines.ShouldContain("python", screen);
        lines.ShouldContain(l => l.Contains("│ Model", StringComparison.Ordinal) && l.Contains("│ Window │", StringComparison.Ordinal), screen);
        lines.ShouldContain(l => l.Contains("│ sonnet │", StringComparison.Ordinal) && l.Contains("200000 │", StringComparison.Ordinal), screen);

        // The rest of the exchange is untouched: the entry once, the usage line after the answer, the next prompt.
        lines.Count(l => l.StartsWith("› Show me the notes", StringComparison.Ordinal)).ShouldBe(1, screen);
        var table = lines.ToList().FindLastIndex(l => l.Contains("│ sonnet │", StringComparison.Ordinal));
        lines.ToList().FindIndex(l => l.Contains("out tokens", StringComparison.Ordinal)).ShouldBeGreaterThan(table, screen);
    }

    [Fact]
    public async Task Plain_prose_is_left_as_it_streamed()
    {
        _bed.Emulator.Control.Enqueue(Key, ScriptedResponse.FromText("Just a sentence, with nothing to render."));
        await using var repl = PtyProcess.Start(_bed.Env.Settings, "chat", "anthropic/emu");
        await repl.WaitForPromptAsync(1);
        await repl.TypeAsync("Say something plain\r");
        await repl.WaitForAsync("out tokens");
        await repl.WaitForPromptAsync(2);
        await repl.TypeAsync("/quit\r");
        (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

        repl.Raw.ShouldNotContain("\u001b[J");
        repl.Screen.Lines.ShouldContain("Just a sentence, with nothing to render.", repl.Screen.Text);
    }

    [Fact]
    public async Task With_the_output_in_a_file_the_markdown_source_is_kept()
    {
        _bed.Emulator.Control.Enqueue(Key, ScriptedResponse.FromText(Answer));
        var output = Path.Combine(_bed.Env.Home, "repl-output.txt");
        await using var repl = PtyProcess.StartWithOutputTo(_bed.Env.Settings, output, "chat", "anthropic/emu");

        // The usage line goes to stderr, which stays on the terminal.
        await repl.TypeAsync("Show me the notes\r");
        await repl.WaitForAsync("out tokens");
        await repl.TypeAsync("/quit\r");
        (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

        var text = await File.ReadAllTextAsync(output);
        text.ShouldContain("# Release notes");
        text.ShouldContain("This build is **important**: run `maestro serve`");
        text.ShouldContain("```python");
        text.ShouldContain("- first item");
        text.ShouldContain("| sonnet | 200000 |");
        text.ShouldNotContain("\u001b[");
    }
}
