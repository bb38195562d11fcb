using System.Text;
using Maestro.Core.Tools;

namespace Maestro.Tests.Tools;

/// <summary>read_file, write_file and edit_file on real files.</summary>
public sealed class FileToolTests : IDisposable
{
    private readonly ToolWorkspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task Read_file_numbers_lines_like_cat_n()
    {
        _ws.Write("src/a.txt", "alpha\n\tbeta\r\ngamma");

        var result = await _ws.RunAsync("read_file", new { path = "src/a.txt" });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldBe("     1\talpha\n     2\t\tbeta\n     3\tgamma");
        result.Summary.ShouldBe("src/a.txt: lines 1–3");
    }

    [Fact]
    public async Task Read_file_pages_with_offset_and_limit_and_says_where_to_continue()
    {
        _ws.Write("n.txt", string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n")));

        var page = await _ws.RunAsync("read_file", new { path = "n.txt", offset = 4, limit = 3 });
        page.Text.ShouldBe("     4\tline 4\n     5\tline 5\n     6\tline 6\n\n[Lines 4–6 of 'n.txt' (71 B). More lines follow: call read_file with offset=7 to continue.]");

        var last = await _ws.RunAsync("read_file", new { path = "n.txt", offset = 9 });
        last.Text.ShouldBe("     9\tline 9\n    10\tline 10");

        (await _ws.RefusedAsync("read_file", new { path = "n.txt", offset = 11 })).Message.ShouldContain("past the end of 'n.txt', which has 10 lines");
        (await _ws.RefusedAsync("read_file", new { path = "n.txt", offset = 0 })).Argument.ShouldBe("offset");
        (await _ws.RefusedAsync("read_file", new { path = "n.txt", limit = 0 })).Argument.ShouldBe("limit");
    }

    [Fact]
    public async Task A_large_file_is_paged_within_the_output_limit()
    {
        var lines = Enumerable.Range(1, 200_000).Select(i => $"this is line number {i} of a large file");
        await File.WriteAllLinesAsync(_ws.PathOf("big.log"), lines);

        var result = await _ws.RunAsync("read_file", new { path = "big.log" });
        result.Text.Length.ShouldBeLessThanOrEqualTo(30_000 + 200);
        result.Text.ShouldStartWith("     1\tthis is line number 1 of a large file\n");
        result.Text.ShouldMatch(@"More lines follow: call read_file with offset=\d+ to continue\.\]$");
        var next = (int)result.Details!["last_line"]! + 1;

        var deep = await _ws.RunAsync("read_file", new { path = "big.log", offset = 150_000, limit = 2 });
        deep.Text.ShouldStartWith("150000\tthis is line number 150000 of a large file\n150001\t");
        next.ShouldBeGreaterThan(100);
    }

    [Fact]
    public async Task A_very_long_line_is_cut_and_its_length_noted()
    {
        _ws.Write("min.js", new string('x', 50_000) + "\nshort\n");

        var result = await _ws.RunAsync("read_file", new { path = "min.js" });

        result.Text.ShouldContain(" … [line cut: 50,000 characters]\n     2\tshort");
        result.Text.Length.ShouldBeLessThan(2_100);
    }

    [Fact]
    public async Task Read_file_refuses_binary_files_folders_and_missing_files_and_says_what_to_do()
    {
        await File.WriteAllBytesAsync(_ws.PathOf("image.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x01, 0x02]);
        Directory.CreateDirectory(_ws.PathOf("folder"));
        _ws.Write("empty.txt", "");

        var binary = await _ws.RunAsync("read_file", new { path = "image.png" });
        binary.IsError.ShouldBeTrue();
        binary.Text.ShouldBe("'image.png' is a binary file (7 B); read_file shows text only. Use shell (e.g. `file`, `xxd | head`) to inspect it.");

        (await _ws.RunAsync("read_file", new { path = "folder" })).Text.ShouldContain("is a folder, not a file. Use list_dir");
        (await _ws.RunAsync("read_file", new { path = "nope.txt" })).Text.ShouldBe("'nope.txt' does not exist. Use glob or list_dir to find the right path.");
        (await _ws.RunAsync("read_file", new { path = "empty.txt" })).Text.ShouldBe("'empty.txt' is empty (0 lines).");
        (await _ws.RefusedAsync("read_file", new { })).Argument.ShouldBe("path");
    }

    [Fact]
    public async Task A_named_pipe_is_never_opened_so_no_tool_hangs_on_it()
    {
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [_ws.PathOf("pipe")]))
        {
            await mkfifo.WaitForExitAsync();
        }

        (await _ws.RunAsync("read_file", new { path = "pipe" })).Text.ShouldBe("'pipe' is empty (0 lines).");
        (await _ws.RunAsync("edit_file", new { path = "pipe", old_string = "a", new_string = "b" })).Text.ShouldContain("is empty, so old_string cannot match");
        (await _ws.RunAsync("grep", new { pattern = "x" })).Text.ShouldStartWith("No matches for /x/ in the working directory (0 text files searched).");
    }

    [Fact]
    public async Task Write_file_creates_parent_folders_and_reports_what_it_did()
    {
        var created = await _ws.RunAsync("write_file", new { path = "src/deep/new.cs", content = "class A {}\nclass B {}\n" });

        created.IsError.ShouldBeFalse();
        created.Text.ShouldBe("Created 'src/deep/new.cs': 2 lines, 22 bytes. Created the folder 'src/deep'.");
        _ws.Read("src/deep/new.cs").ShouldBe("class A {}\nclass B {}\n");

        var replaced = await _ws.RunAsync("write_file", new { path = "src/deep/new.cs", content = "é" });
        replaced.Text.ShouldBe("Replaced 'src/deep/new.cs': 1 line, 2 bytes (was 22 bytes).");
        (await File.ReadAllBytesAsync(_ws.PathOf("src/deep/new.cs"))).ShouldBe(Encoding.UTF8.GetBytes("é"));

        var empty = await _ws.RunAsync("write_file", new { path = "empty.txt", content = "" });
        empty.Text.ShouldBe("Created 'empty.txt': 0 lines, 0 bytes.");
    }

    [Fact]
    public async Task Writing_and_editing_replace_the_file_whole_keeping_its_permissions_and_leaving_nothing_behind()
    {
        _ws.Write("run.sh", "#!/bin/sh\necho old\n");
        var executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(_ws.PathOf("run.sh"), executable);
        // A second name for the old file: a write in place would change it too, a rename over run.sh leaves it alone.
        using (var link = System.Diagnostics.Process.Start("ln", [_ws.PathOf("run.sh"), _ws.PathOf("old-run.sh")]))
        {
            await link.WaitForExitAsync(TestContext.Current.CancellationToken);
            link.ExitCode.ShouldBe(0);
        }

        (await _ws.RunAsync("write_file", new { path = "run.sh", content = "#!/bin/sh\necho new\n" })).IsError.ShouldBeFalse();
        (await _ws.RunAsync("edit_file", new { path = "run.sh", old_string = "echo new", new_string = "echo newer" })).IsError.ShouldBeFalse();

        _ws.Read("run.sh").ShouldBe("#!/bin/sh\necho newer\n");
        File.GetUnixFileMode(_ws.PathOf("run.sh")).ShouldBe(executable);
        _ws.Read("old-run.sh").ShouldBe("#!/bin/sh\necho old\n");
        Directory.GetFiles(_ws.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(["old-run.sh", "run.sh"]);
    }

    [Fact]
    public async Task Write_file_refuses_folders_and_paths_below_a_file()
    {
        Directory.CreateDirectory(_ws.PathOf("dir"));
        _ws.Write("file.txt", "x");

        (await _ws.RunAsync("write_file", new { path = "dir", content = "x" })).Text.ShouldContain("'dir' is a folder");
        (await _ws.RunAsync("write_file", new { path = "file.txt/child.txt", content = "x" })).Text.ShouldContain("'file.txt' is a file, so 'file.txt/child.txt' cannot be created");
        (await _ws.RefusedAsync("write_file", new { path = "a.txt" })).Argument.ShouldBe("content");
    }

    [Fact]
    public async Task Write_file_through_a_symlink_inside_writes_the_real_file()
    {
        _ws.Write("real.txt", "old");
        _ws.Link("alias.txt", "real.txt");

        var result = await _ws.RunAsync("write_file", new { path = "alias.txt", content = "new" });

        result.Text.ShouldStartWith("Replaced 'real.txt'");
        _ws.Read("real.txt").ShouldBe("new");
        File.ResolveLinkTarget(_ws.PathOf("alias.txt"), returnFinalTarget: false).ShouldNotBeNull();
    }

    [Fact]
    public async Task Edit_file_replaces_exactly_one_match()
    {
        _ws.Write("a.cs", "int x = 1;\nint y = 2;\n");

        var result = await _ws.RunAsync("edit_file", new { path = "a.cs", old_string = "int y = 2;", new_string = "int y = 3;" });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldBe("Edited 'a.cs': replaced 1 occurrence (at line 2).");
        _ws.Read("a.cs").ShouldBe("int x = 1;\nint y = 3;\n");
    }

    [Fact]
    public async Task Edit_file_with_no_match_changes_nothing_and_hints_at_whitespace()
    {
        _ws.Write("a.cs", "if (x)\n{\n    call();\n}\n");

        var none = await _ws.RunAsync("edit_file", new { path = "a.cs", old_string = "missing()", new_string = "y" });
        none.IsError.ShouldBeTrue();
        none.Text.ShouldStartWith("old_string was not found in 'a.cs' (0 matches); the file was not changed. Matching is exact: check whitespace");
        none.Text.ShouldEndWith("The file uses LF line endings.");

        var nearMiss = await _ws.RunAsync("edit_file", new { path = "a.cs", old_string = "{\n  call();\n}", new_string = "{ }" });
        nearMiss.Text.ShouldContain("Text that differs only in whitespace starts at line 2");

        var numbered = await _ws.RunAsync("edit_file", new { path = "a.cs", old_string = "     3\t    call();", new_string = "x" });
        numbered.Text.ShouldContain("seems to include read_file's line numbers");

        _ws.Read("a.cs").ShouldBe("if (x)\n{\n    call();\n}\n");
    }

    [Fact]
    public async Task Edit_file_with_several_matches_asks_for_context_or_replace_all()
    {
        _ws.Write("a.txt", "foo\nbar foo\nfoo\n");

        var ambiguous = await _ws.RunAsync("edit_file", new { path = "a.txt", old_string = "foo", new_string = "baz" });
        ambiguous.IsError.ShouldBeTrue();
        ambiguous.Text.ShouldBe("old_string occurs 3 times in 'a.txt' (at lines 1, 2, 3), but must match exactly once. Add surrounding lines to old_string so it matches one place only, or set replace_all to true to replace every occurrence.");
        _ws.Read("a.txt").ShouldBe("foo\nbar foo\nfoo\n");

        var all = await _ws.RunAsync("edit_file", new { path = "a.txt", old_string = "foo", new_string = "baz", replace_all = true });
        all.Text.ShouldBe("Edited 'a.txt': replaced 3 occurrences (at lines 1, 2, 3).");
        _ws.Read("a.txt").ShouldBe("baz\nbar baz\nbaz\n");
    }

    [Fact]
    public async Task Edit_file_keeps_crlf_line_endings_and_the_byte_order_mark()
    {
        var path = _ws.PathOf("win.txt");
        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("one\r\ntwo\r\nthree\r\n")]);

        var result = await _ws.RunAsync("edit_file", new { path = "win.txt", old_string = "one\ntwo\n", new_string = "1\n2\n2b\n" });

        result.Text.ShouldBe("Edited 'win.txt': replaced 1 occurrence (at line 1).");
        (await File.ReadAllBytesAsync(path)).ShouldBe([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("1\r\n2\r\n2b\r\nthree\r\n")]);

        var none = await _ws.RunAsync("edit_file", new { path = "win.txt", old_string = "four", new_string = "4" });
        none.Text.ShouldEndWith("The file uses CRLF line endings.");
    }

    [Fact]
    public async Task Edit_file_validates_its_arguments_and_the_file()
    {
        _ws.Write("a.txt", "a");
        await File.WriteAllBytesAsync(_ws.PathOf("latin1.txt"), [0x63, 0x61, 0x66, 0xE9]);

        (await _ws.RefusedAsync("edit_file", new { path = "a.txt", old_string = "", new_string = "b" })).Message.ShouldContain("use write_file");
        (await _ws.RefusedAsync("edit_file", new { path = "a.txt", old_string = "a", new_string = "a" })).Argument.ShouldBe("new_string");
        (await _ws.RefusedAsync("edit_file", new { path = "a.txt", old_string = "a", new_string = "b", replace_all = "yes" })).Argument.ShouldBe("replace_all");
        (await _ws.RunAsync("edit_file", new { path = "nope.txt", old_string = "a", new_string = "b" })).Text.ShouldContain("create the file with write_file");
        (await _ws.RunAsync("edit_file", new { path = "latin1.txt", old_string = "caf", new_string = "x" })).Text.ShouldContain("not valid UTF-8");
        (await File.ReadAllBytesAsync(_ws.PathOf("latin1.txt"))).ShouldBe([0x63, 0x61, 0x66, 0xE9]);
    }
}
