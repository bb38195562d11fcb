namespace Maestro.Tests.Tools;

/// <summary>list_dir, glob and grep on a small real tree.</summary>
public sealed class SearchToolTests : IDisposable
{
    private readonly ToolWorkspace _ws = new();

    public SearchToolTests()
    {
        _ws.Write("README.md", "# Demo\nTODO: write docs\n");
        _ws.Write("src/App/Program.cs", "class Program\n{\n    // TODO: greet\n    static void Main() { }\n}\n");
        _ws.Write("src/App/Greeter.cs", "class Greeter\n{\n    string Greet() => \"hello\";\n}\n");
        _ws.Write("src/web/app.ts", "export const todo = 1; // todo lowercase\n");
        _ws.Write("src/web/view.tsx", "export const View = () => null; // TODO: render\n");
        _ws.Write("node_modules/lib/index.js", "// TODO: vendor code\n");
        _ws.Write("src/App/bin/Debug/App.dll.txt", "TODO: build output\n");
        _ws.Write(".git/HEAD", "ref: refs/heads/main TODO\n");
        File.WriteAllBytes(_ws.PathOf("src/logo.png"), [0x89, 0x50, 0x00, (byte)'T', (byte)'O', (byte)'D', (byte)'O']);

        // Deterministic modification times: newest first is Greeter, then Program, then the rest.
        var baseTime = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        foreach (var file in Directory.EnumerateFiles(_ws.Root, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, baseTime);
        }

        File.SetLastWriteTimeUtc(_ws.PathOf("src/App/Program.cs"), baseTime.AddHours(1));
        File.SetLastWriteTimeUtc(_ws.PathOf("src/App/Greeter.cs"), baseTime.AddHours(2));
    }

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task List_dir_shows_types_sizes_and_marks_folders()
    {
        var result = await _ws.RunAsync("list_dir", new { });

        result.IsError.ShouldBeFalse();
        result.Text.ShouldBe("""
            ./ (3 folders, 1 file listed)
              .git/ (contents not listed)
              node_modules/ (contents not listed)
              src/
              README.md (24 B)
            """);
    }

    [Fact]
    public async Task List_dir_descends_to_the_asked_depth_and_skips_build_folders()
    {
        _ws.Link("src/outside-link", _ws.Outside);

        var result = await _ws.RunAsync("list_dir", new { path = "src", depth = 3 });

        result.Text.ShouldBe("""
            src/ (3 folders, 5 files, 1 symbolic link listed)
              App/
                bin/ (contents not listed)
                Greeter.cs (49 B)
                Program.cs (64 B)
              web/
                app.ts (41 B)
                view.tsx (48 B)
              logo.png (7 B)
              outside-link -> {OUTSIDE} (symbolic link)
            """.Replace("{OUTSIDE}", _ws.Outside, StringComparison.Ordinal));
        result.Text.ShouldNotContain("secret.txt");
    }

    [Fact]
    public async Task List_dir_is_bounded_and_validates_its_arguments()
    {
        for (var i = 0; i < 520; i++)
        {
            _ws.Write($"many/f{i:D3}.txt", "");
        }

        var result = await _ws.RunAsync("list_dir", new { path = "many" });
        result.Text.ShouldEndWith("[Listing stopped after 500 entries. List a subfolder or use a smaller depth.]");
        result.Details!["truncated"].ShouldBe(true);

        (await _ws.RefusedAsync("list_dir", new { depth = 6 })).Message.ShouldContain("between 1 and 5");
        (await _ws.RunAsync("list_dir", new { path = "README.md" })).Text.ShouldContain("is a file, not a folder");
        (await _ws.RunAsync("list_dir", new { path = "nope" })).Text.ShouldContain("'nope' does not exist");
    }

    [Fact]
    public async Task Glob_returns_paths_relative_to_the_working_directory_newest_first()
    {
        var result = await _ws.RunAsync("glob", new { pattern = "src/**/*.cs" });

        result.Text.ShouldBe("src/App/Greeter.cs\nsrc/App/Program.cs");
        result.Summary.ShouldBe("src/**/*.cs: 2 files");
    }

    [Fact]
    public async Task Glob_understands_alternatives_a_start_folder_and_named_build_folders()
    {
        (await _ws.RunAsync("glob", new { pattern = "**/*.{ts,tsx}" })).Text.ShouldBe("src/web/app.ts\nsrc/web/view.tsx");
        (await _ws.RunAsync("glob", new { pattern = "*.ts", path = "src/web" })).Text.ShouldBe("src/web/app.ts");
        (await _ws.RunAsync("glob", new { pattern = "**/*.js" })).Text.ShouldStartWith("No files match '**/*.js' in the working directory.");
        (await _ws.RunAsync("glob", new { pattern = "node_modules/**/*.js" })).Text.ShouldBe("node_modules/lib/index.js");
        (await _ws.RunAsync("glob", new { pattern = "*.cs" })).Text.ShouldBe("No files match '*.cs' in the working directory. '*.cs' matches only at the top level; use '**/*.cs' to search every folder.");
    }

    [Fact]
    public async Task Glob_is_bounded_and_says_how_many_more_matched()
    {
        for (var i = 0; i < 230; i++)
        {
            _ws.Write($"gen/f{i:D3}.g.cs", "");
        }

        var result = await _ws.RunAsync("glob", new { pattern = "gen/*.g.cs" });

        result.Text.Split('\n').Length.ShouldBe(201);
        result.Text.ShouldEndWith("[Showing the 200 most recently modified of 230 matching files. Narrow the pattern or path to see others.]");
    }

    [Fact]
    public async Task Grep_prints_path_line_and_text_and_skips_binary_and_vendor_files()
    {
        var result = await _ws.RunAsync("grep", new { pattern = "TODO" });

        result.Text.ShouldBe("""
            README.md:2: TODO: write docs
            src/App/Program.cs:3:     // TODO: greet
            src/web/view.tsx:1: export const View = () => null; // TODO: render
            """);
        result.Summary.ShouldBe("3 matches in 3 files");
    }

    [Fact]
    public async Task Grep_filters_by_glob_ignores_case_and_searches_named_folders()
    {
        (await _ws.RunAsync("grep", new { pattern = "todo", case_insensitive = true, glob = "*.{ts,tsx}" })).Text.ShouldBe("""
            src/web/app.ts:1: export const todo = 1; // todo lowercase
            src/web/view.tsx:1: export const View = () => null; // TODO: render
            """);
        (await _ws.RunAsync("grep", new { pattern = "TODO", glob = "src/**/*.cs" })).Text.ShouldBe("src/App/Program.cs:3:     // TODO: greet");
        (await _ws.RunAsync("grep", new { pattern = "TODO", path = "node_modules" })).Text.ShouldBe("node_modules/lib/index.js:1: // TODO: vendor code");
        (await _ws.RunAsync("grep", new { pattern = "Greet", path = "src/App/Greeter.cs" })).Text.ShouldBe("src/App/Greeter.cs:1: class Greeter\nsrc/App/Greeter.cs:3:     string Greet() => \"hello\";");
    }

    [Fact]
    public async Task Grep_shows_context_lines_in_separated_groups()
    {
        _ws.Write("ctx.txt", "a\nb\nMATCH 1\nc\nd\ne\nf\nMATCH 2\ng\n");

        var result = await _ws.RunAsync("grep", new { pattern = "MATCH", path = "ctx.txt", context = 1 });

        result.Text.ShouldBe("""
            ctx.txt-2- b
            ctx.txt:3: MATCH 1
            ctx.txt-4- c
            --
            ctx.txt-7- f
            ctx.txt:8: MATCH 2
            ctx.txt-9- g
            """);
    }

    [Fact]
    public async Task Grep_is_bounded_and_says_how_many_more_matched()
    {
        _ws.Write("many.txt", string.Concat(Enumerable.Range(1, 250).Select(i => $"hit {i}\n")));
        _ws.Write("more.txt", "hit again\n");

        var result = await _ws.RunAsync("grep", new { pattern = "^hit", glob = "*.txt" });

        result.Text.Split('\n').Count(l => l.StartsWith("many.txt:", StringComparison.Ordinal)).ShouldBe(200);
        result.Text.ShouldEndWith("[51 more matching lines not shown (251 in 2 files). Narrow the pattern, path or glob.]");
    }

    [Fact]
    public async Task Grep_skips_very_large_files_and_says_so()
    {
        await File.WriteAllTextAsync(_ws.PathOf("huge.log"), string.Concat(Enumerable.Repeat("needle in a haystack line\n", 200_000)));

        var result = await _ws.RunAsync("grep", new { pattern = "needle" });

        result.Text.ShouldStartWith("No matches for /needle/ in the working directory");
        result.Text.ShouldContain("[Skipped 1 file over 4 MB: huge.log. Search them with shell (grep -n) if needed.]");
    }

    [Fact]
    public async Task Grep_reports_bad_patterns_and_missing_paths()
    {
        (await _ws.RefusedAsync("grep", new { pattern = "Foo(" })).Message.ShouldContain("is not a valid .NET regular expression");
        (await _ws.RefusedAsync("grep", new { pattern = "" })).Argument.ShouldBe("pattern");
        (await _ws.RefusedAsync("grep", new { pattern = "x", context = 11 })).Argument.ShouldBe("context");
        (await _ws.RunAsync("grep", new { pattern = "x", path = "nope" })).Text.ShouldContain("'nope' does not exist");
        (await _ws.RunAsync("grep", new { pattern = "zzz" })).Text.ShouldStartWith("No matches for /zzz/ in the working directory (5 text files searched).");
    }
}
