using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>
/// The REPL at a real (pseudo-)terminal: `chat AUTH` without a prompt opens it, keys edit the line, entries come back
/// with Up in a later run, several lines make one entry, and what was typed is shown once.
/// </summary>
public sealed class ReplTerminalTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "key-repl-terminal";
    private const string Left = "\u001b[D";
    private const string Up = "\u001b[A";
    private const string Home = "\u001b[H";
    private const string CtrlA = "\u0001";
    private const string CtrlE = "\u0005";
    private const string CtrlU = "\u0015";
    private const string CtrlW = "\u0017";
    private const string Continuation = "… \u001b[K";

    private CliEmulatorBed _bed = null!;

    public async ValueTask InitializeAsync() => _bed = await CliEmulatorBed.StartAsync(postgres, "replterm", Key);

    public ValueTask DisposeAsync() => _bed.DisposeAsync();

    [Fact]
    public async Task Chat_without_a_prompt_opens_the_repl_on_a_new_session_and_shows_each_entry_once()
    {
        await using (var repl = PtyProcess.Start(_bed.Env.Settings, "chat", "anthropic/emu"))
        {
            await repl.WaitForPromptAsync(1);
            await repl.TypeAsync("Hello from the terminal\r");
            await repl.WaitForAsync("out tokens");
            await repl.WaitForPromptAsync(2);
            await repl.TypeAsync("/quit\r");
            (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

            var screen = repl.Screen;
            screen.Text.ShouldContain("New session chat-");
            screen.Lines.Count(l => l.StartsWith("› Hello from the terminal", StringComparison.Ordinal)).ShouldBe(1, screen.Text);
            screen.Text.ShouldNotContain("The prompt is empty");
            SentMessages().ShouldContain(b => b.Contains("Hello from the terminal", StringComparison.Ordinal));
        }

        var list = await CliRunner.RunAsync(_bed.Env.Settings, ["session", "list"]);
        list.Stdout.ShouldContain("chat-");

        // With stdin piped there is no REPL: the prompt is read from it.
        var piped = await CliRunner.RunAsync(_bed.Env.Settings, ["chat", "anthropic/emu"], "A prompt from a pipe");
        piped.ExitCode.ShouldBe(0, piped.ToString());
        piped.Stdout.ShouldContain("A prompt from a pipe");
        piped.Stdout.ShouldNotContain("New session");
    }

    [Fact]
    public async Task Editing_keys_change_the_line_before_it_is_sent()
    {
        await using var repl = PtyProcess.Start(_bed.Env.Settings, "chat", "anthropic/emu");
        await repl.WaitForPromptAsync(1);

        // "wrld", three left, "o" → "world"; Ctrl+A, "Hello " → "Hello world"; Ctrl+E, "!" ; Ctrl+W drops "world!".
        await repl.TypeAsync("wrld" + Left + Left + Left + "o" + CtrlA + "Hello " + CtrlE + "!" + CtrlW + "there editor\r");
        await repl.WaitForAsync("out tokens");
        await repl.WaitForPromptAsync(2);

        // Ctrl+U drops what was typed; Home goes to the start.
        await repl.TypeAsync("discarded words" + CtrlU + "middle" + Home + "start-" + CtrlE + "-end\r");
        await repl.WaitForAsync("out tokens", 2);
        await repl.WaitForPromptAsync(3);
        await repl.TypeAsync("/quit\r");
        (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

        var sent = SentMessages();
        sent.ShouldContain(b => b.Contains("\"Hello there editor\"", StringComparison.Ordinal), repl.Screen.Text);
        sent.ShouldContain(b => b.Contains("\"start-middle-end\"", StringComparison.Ordinal), repl.Screen.Text);
        sent.ShouldNotContain(b => b.Contains("discarded", StringComparison.Ordinal));
        repl.Screen.Lines.ShouldContain("› Hello there editor");
        repl.Screen.Lines.ShouldContain("› start-middle-end");
    }

    [Fact]
    public async Task History_comes_back_with_up_in_the_next_run_and_keeps_secret_looking_entries_out()
    {
        var home = TestHome.Create("replhistory");
        var settings = new Dictionary<string, string?>(_bed.Env.Settings) { ["MAESTRO_HOME"] = home };
        await using (var first = PtyProcess.Start(settings, "chat", "anthropic/emu"))
        {
            await first.WaitForPromptAsync(1);
            await first.TypeAsync("remember this line\r");
            await first.WaitForAsync("out tokens");
            await first.WaitForPromptAsync(2);
            await first.TypeAsync(" kept out by the leading space\r");
            await first.WaitForAsync("out tokens", 2);
            await first.WaitForPromptAsync(3);
            await first.TypeAsync("my key is sk-ant-api03-Zx81kQ2mN7pL0vB5cR9tY3wE\r");
            await first.WaitForAsync("out tokens", 3);
            await first.WaitForPromptAsync(4);
            await first.TypeAsync("/quit\r");
            (await first.WaitForExitAsync()).ShouldBe(0, first.Screen.Text);
        }

        var saved = await File.ReadAllTextAsync(Path.Combine(home, "repl-history"));
        saved.ShouldContain("remember this line");
        saved.ShouldNotContain("leading space");
        saved.ShouldNotContain("sk-ant");

        await using var second = PtyProcess.Start(settings, "chat", "anthropic/emu");
        await second.WaitForPromptAsync(1);
        await second.TypeAsync(Up + Up + "\r");
        await second.WaitForAsync("out tokens");
        await second.WaitForPromptAsync(2);
        await second.TypeAsync("/quit\r");
        (await second.WaitForExitAsync()).ShouldBe(0, second.Screen.Text);
        second.Screen.Lines.ShouldContain("› remember this line");
        SentMessages().Count(b => b.Contains("remember this line", StringComparison.Ordinal)).ShouldBeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Several_lines_make_one_entry_with_a_backslash_a_fenced_block_or_alt_enter()
    {
        await using var repl = PtyProcess.Start(_bed.Env.Settings, "chat", "anthropic/emu");
        await repl.WaitForPromptAsync(1);
        await repl.TypeAsync("first line\\\r");
        await repl.WaitForAsync(Continuation);
        await repl.TypeAsync("second line\r");
        await repl.WaitForAsync("out tokens");
        await repl.WaitForPromptAsync(2);

        await repl.TypeAsync("\"\"\"\r");
        await repl.WaitForAsync(Continuation, 2);
        await repl.TypeAsync("alpha\r");
        await repl.WaitForAsync(Continuation, 3);
        await repl.TypeAsync("beta\r");
        await repl.WaitForAsync(Continuation, 4);
        await repl.TypeAsync("\"\"\"\r");
        await repl.WaitForAsync("out tokens", 2);
        await repl.WaitForPromptAsync(3);

        await repl.TypeAsync("gamma\u001b\rdelta\r");
        await repl.WaitForAsync("out tokens", 3);
        await repl.WaitForPromptAsync(4);
        await repl.TypeAsync("/quit\r");
        (await repl.WaitForExitAsync()).ShouldBe(0, repl.Screen.Text);

        var sent = SentMessages();
        sent.ShouldContain(b => b.Contains("first line\\nsecond line", StringComparison.Ordinal), repl.Screen.Text);
        sent.ShouldContain(b => b.Contains("alpha\\nbeta", StringComparison.Ordinal), repl.Screen.Text);
        sent.ShouldContain(b => b.Contains("gamma\\ndelta", StringComparison.Ordinal), repl.Screen.Text);
    }

    private List<string> SentMessages() =>
        _bed.Emulator.Control.Requests(Key).Where(r => r.Method == "POST").Select(r => r.BodyText).ToList();
}
