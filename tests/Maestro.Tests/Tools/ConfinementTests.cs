using Maestro.Core.Errors;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;

namespace Maestro.Tests.Tools;

/// <summary>Every way out of the working directory that a model might try, through the guard and through the tools.</summary>
public sealed class ConfinementTests : IDisposable
{
    private readonly ToolWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    private WorkspacePath Guard => WorkspacePath.Open(_ws.Root);

    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("./src/../a.txt", "a.txt")]
    [InlineData("src/new/deeper.txt", "src/new/deeper.txt")]
    [InlineData(".", ".")]
    public void Relative_paths_resolve_inside_the_working_directory(string path, string expected)
    {
        _ws.Write("src/keep.txt", "");
        var resolved = Guard.Resolve(path);

        resolved.ShouldBe(expected == "." ? _ws.Root : Path.Combine(_ws.Root, expected));
        Guard.ToRelative(resolved).ShouldBe(expected);
    }

    [Fact]
    public void An_absolute_path_is_accepted_only_inside_the_working_directory()
    {
        Guard.Resolve(Path.Combine(_ws.Root, "x.txt")).ShouldBe(Path.Combine(_ws.Root, "x.txt"));

        var error = Should.Throw<ToolArgumentException>(() => Guard.Resolve("/etc/passwd"));
        error.Argument.ShouldBe("path");
        error.Message.ShouldContain("'/etc/passwd' is outside the working directory");
        error.Message.ShouldContain(_ws.Root);
        error.Message.ShouldContain("use a path inside the working directory");

        // A sibling whose name merely starts with the root's name is not inside it.
        Should.Throw<ToolArgumentException>(() => Guard.Resolve(_ws.Root + "-evil/x"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData("a/../../x")]
    [InlineData("../outside/secret.txt")]
    [InlineData("src/../../outside/secret.txt")]
    [InlineData("./../../../../../../etc/passwd")]
    public void Dot_dot_that_leaves_the_working_directory_is_refused(string path)
    {
        var error = Should.Throw<ToolArgumentException>(() => Guard.Resolve(path));

        error.Message.ShouldContain($"'{path}' is outside the working directory '{_ws.Root}'");
        error.Message.ShouldContain("it resolves to");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("~/.ssh/id_rsa")]
    public void Empty_and_home_relative_paths_are_refused_with_a_hint(string path)
    {
        var error = Should.Throw<ToolArgumentException>(() => Guard.Resolve(path));

        error.Message.ShouldContain("working directory");
    }

    [Fact]
    public void A_path_with_a_nul_character_is_refused() =>
        Should.Throw<ToolArgumentException>(() => Guard.Resolve("a\0b")).Message.ShouldContain("NUL character");

    [Fact]
    public void A_symlink_to_etc_is_refused_at_any_level()
    {
        _ws.Link("etc", "/etc");
        _ws.Link("deep/down/etc", "/etc");

        foreach (var path in new[] { "etc", "etc/passwd", "deep/down/etc/passwd", "etc/new-file.txt" })
        {
            var error = Should.Throw<ToolArgumentException>(() => Guard.Resolve(path));
            error.Message.ShouldContain($"'{path}' leads through a symbolic link to '/etc");
            error.Message.ShouldContain($"outside the working directory '{_ws.Root}'");
        }
    }

    [Fact]
    public void Dot_dot_after_a_symlink_goes_up_from_where_the_link_leads_as_the_kernel_does()
    {
        Directory.CreateDirectory(Path.Combine(_ws.Outside, "inner"));
        _ws.Link("inner", Path.Combine(_ws.Outside, "inner"));

        // Textually "inner/../x" is "x", but the kernel would open outside/x: refused.
        Should.Throw<ToolArgumentException>(() => Guard.Resolve("inner/../secret.txt")).Message.ShouldContain("symbolic link");
    }

    [Fact]
    public void A_symlink_chain_is_followed_to_its_end()
    {
        _ws.Link("one", "two");
        _ws.Link("two", "sub/three");
        _ws.Link("sub/three", "../../outside");
        Should.Throw<ToolArgumentException>(() => Guard.Resolve("one/secret.txt")).Message.ShouldContain(_ws.Outside);

        // A chain that stays inside is fine, and resolves to the real file.
        _ws.Write("real/file.txt", "x");
        _ws.Link("a", "b");
        _ws.Link("b", "real");
        Guard.Resolve("a/file.txt").ShouldBe(_ws.PathOf("real/file.txt"));
    }

    [Fact]
    public void A_symlink_loop_is_refused_not_followed_forever()
    {
        _ws.Link("loop", "loop");

        Should.Throw<ToolArgumentException>(() => Guard.Resolve("loop/x")).Message.ShouldContain("symbolic links");
    }

    [Fact]
    public async Task A_missing_working_directory_is_a_clear_error_from_every_tool()
    {
        var missing = Path.Combine(_ws.Parent, "gone");
        Should.Throw<MaestroException>(() => WorkspacePath.Open(missing)).Message.ShouldContain($"'{missing}' does not exist");

        _ws.Context = new ToolContext { WorkingDirectory = missing, SessionId = Guid.NewGuid() };
        var calls = new (string Tool, object Arguments)[]
        {
            ("shell", new { command = "echo hi" }),
            ("read_file", new { path = "a.txt" }),
            ("write_file", new { path = "a.txt", content = "x" }),
            ("edit_file", new { path = "a.txt", old_string = "a", new_string = "b" }),
            ("list_dir", new { }),
            ("glob", new { pattern = "*" }),
            ("grep", new { pattern = "x" }),
        };
        foreach (var (tool, arguments) in calls)
        {
            var result = await _ws.RunAsync(tool, arguments);
            result.IsError.ShouldBeTrue(tool);
            result.Text.ShouldContain($"working directory '{missing}' does not exist", customMessage: tool);
            result.Text.ShouldContain("Ask the user", customMessage: tool);
        }

        Directory.Exists(missing).ShouldBeFalse();
    }

    [Fact]
    public void A_working_directory_reached_through_a_symlink_works()
    {
        var alias = Path.Combine(_ws.Parent, "alias");
        File.CreateSymbolicLink(alias, _ws.Root);
        _ws.Write("a.txt", "hello");

        var guard = WorkspacePath.Open(alias);
        guard.Root.ShouldBe(_ws.Root);
        guard.Resolve("a.txt").ShouldBe(_ws.PathOf("a.txt"));
        guard.Resolve(Path.Combine(alias, "a.txt")).ShouldBe(_ws.PathOf("a.txt"));
    }

    [Fact]
    public async Task File_tools_refuse_escapes_and_touch_nothing_outside()
    {
        var secret = Path.Combine(_ws.Outside, "secret.txt");
        _ws.Link("secret-link.txt", secret);
        _ws.Link("outdir", _ws.Outside);
        _ws.Link("dangling.txt", Path.Combine(_ws.Outside, "created-by-model.txt"));

        foreach (var path in new[] { "../outside/secret.txt", secret, "secret-link.txt", "outdir/secret.txt" })
        {
            (await _ws.RefusedAsync("read_file", new { path })).Argument.ShouldBe("path");
            await _ws.RefusedAsync("write_file", new { path, content = "overwritten" });
            await _ws.RefusedAsync("edit_file", new { path, old_string = ToolWorkspace.Secret, new_string = "edited" });
        }

        // A symlinked parent folder and a dangling link that would create a file outside.
        await _ws.RefusedAsync("write_file", new { path = "outdir/new.txt", content = "x" });
        await _ws.RefusedAsync("write_file", new { path = "outdir/deeper/new.txt", content = "x" });
        await _ws.RefusedAsync("write_file", new { path = "dangling.txt", content = "x" });
        await _ws.RefusedAsync("list_dir", new { path = "outdir" });
        await _ws.RefusedAsync("list_dir", new { path = ".." });

        File.ReadAllText(secret).ShouldBe(ToolWorkspace.Secret + "\n");
        Directory.GetFiles(_ws.Outside).ShouldBe([secret]);
        Directory.Exists(Path.Combine(_ws.Outside, "deeper")).ShouldBeFalse();
    }

    [Fact]
    public async Task Glob_and_grep_refuse_dot_dot_and_do_not_follow_links_out()
    {
        _ws.Write("inside.txt", "nothing secret here");
        _ws.Link("outdir", _ws.Outside);
        _ws.Link("secret-link.txt", Path.Combine(_ws.Outside, "secret.txt"));

        (await _ws.RefusedAsync("glob", new { pattern = "../outside/*" })).Message.ShouldContain("contains '..'");
        await _ws.RefusedAsync("glob", new { pattern = "**/../../outside/*.txt" });
        await _ws.RefusedAsync("glob", new { pattern = "*", path = "../outside" });
        await _ws.RefusedAsync("glob", new { pattern = "outdir/*" });
        (await _ws.RefusedAsync("glob", new { pattern = Path.Combine(_ws.Outside, "*") })).Message.ShouldContain("absolute");
        await _ws.RefusedAsync("grep", new { pattern = "SECRET", path = "../outside" });
        await _ws.RefusedAsync("grep", new { pattern = "SECRET", path = "outdir" });
        await _ws.RefusedAsync("grep", new { pattern = "SECRET", path = "secret-link.txt" });
        (await _ws.RefusedAsync("grep", new { pattern = "SECRET", glob = "../outside/*" })).Argument.ShouldBe("glob");

        var everything = await _ws.RunAsync("glob", new { pattern = "**/*" });
        everything.Text.ShouldBe("inside.txt");

        var grep = await _ws.RunAsync("grep", new { pattern = "SECRET|secret" });
        grep.Text.ShouldBe("inside.txt:1: nothing secret here");

        // ".." in a regular expression is just two characters, and still finds only what is inside.
        (await _ws.RunAsync("grep", new { pattern = "se..et" })).Text.ShouldBe("inside.txt:1: nothing secret here");
    }
}
