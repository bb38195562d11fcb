using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Maestro.Data.Migrations;
using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Operations;

/// <summary>
/// The tarball of `./scripts/publish`, as an operator uses it: unpacked into an empty folder on a machine without .NET
/// (no dotnet on PATH, no DOTNET_ variables), it tells its version, serves the UI with its assets and the embedded
/// database, chats against its own emulator, and backs up and restores (the guide's restore drill).
/// ./scripts/test publishes the tarball first and names it in MAESTRO_RELEASE_TARBALL.
/// </summary>
public sealed class ReleaseTarballTests
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task The_release_runs_without_dotnet_serves_the_ui_chats_against_its_emulator_and_restores_its_backup()
    {
        var tarball = Environment.GetEnvironmentVariable("MAESTRO_RELEASE_TARBALL");
        if (string.IsNullOrEmpty(tarball))
        {
            Assert.Skip("MAESTRO_RELEASE_TARBALL is not set: run ./scripts/publish and set it to the tarball (./scripts/test does both).");
        }

        File.Exists(tarball).ShouldBeTrue($"{tarball} does not exist");
        var folder = TestHome.Create("release");
        try
        {
            var untar = await RunAsync("/bin/tar", new Dictionary<string, string?>(), null, "-xzf", tarball, "-C", folder);
            untar.Exit.ShouldBe(0, untar.Output);
            var unpacked = Directory.GetDirectories(folder).Single();
            var maestro = Path.Combine(unpacked, "maestro");
            Directory.GetFileSystemEntries(unpacked).Select(Path.GetFileName).Order().ShouldBe(["OPERATIONS.md", "README.md", "maestro"]);

            await VerifySystemdUnitsAsync(folder, maestro);

            var home = Path.Combine(folder, "home");
            Directory.CreateDirectory(home);
            File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            var env = new Dictionary<string, string?>
            {
                ["PATH"] = Path.Combine(folder, "no-dotnet-here"),
                ["HOME"] = folder,
                ["MAESTRO_HOME"] = home,
                ["MAESTRO_PG_NO_FSYNC"] = "1",
                ["COLUMNS"] = "200",
            };

            var version = await RunAsync(maestro, env, null, "--version");
            version.Exit.ShouldBe(0, version.Output);
            var expectedVersion = Path.GetFileName(unpacked)["maestro-".Length..^"-linux-x64".Length];
            version.Output.ShouldContain($"maestro {expectedVersion}");
            version.Output.ShouldMatch(@"commit [0-9a-f]{40}");
            version.Output.ShouldContain($"schema version {Migrator.SchemaVersion}");

            var emulatorPort = CliProcess.FreePort();
            await using var emulator = CliProcess.StartExecutable(maestro, env, "emulate", "--port", emulatorPort.ToString(CultureInfo.InvariantCulture));
            await emulator.WaitForOutputAsync("Provider emulator running", CommandTimeout);

            var port = CliProcess.FreePort();
            await using (var serve = CliProcess.StartExecutable(maestro, env, "serve", "--port", port.ToString(CultureInfo.InvariantCulture)))
            {
                await serve.WaitForOutputAsync("Maestro is running", CommandTimeout);
                // With the access token that the first start wrote into MAESTRO_HOME, as a client on this machine reads it.
                using var http = WebServer.ClientFor(port, home);
                using (var health = JsonDocument.Parse(await http.GetStringAsync("/health")))
                {
                    health.RootElement.GetProperty("status").GetString().ShouldBe("ok");
                    health.RootElement.GetProperty("version").GetString().ShouldBe(expectedVersion);
                    health.RootElement.GetProperty("database").GetProperty("mode").GetString().ShouldBe("embedded");
                }

                // The npm browser packages were embedded at publish time.
                (await http.GetStringAsync("/assets/lib/htmx.min.js")).ShouldContain("htmx");
                (await http.GetStringAsync("/assets/lib/sse.min.js")).Length.ShouldBeGreaterThan(100);
                (await http.GetStringAsync("/")).ShouldContain("/assets/lib/htmx.min.js");

                var add = await RunAsync(maestro, env, "release-demo-key\n",
                    "auth", "add", "anthropic", "demo", "--api-key-stdin", "--base-url", $"http://127.0.0.1:{emulatorPort}/anthropic");
                add.Exit.ShouldBe(0, add.Output);
                var chat = await RunAsync(maestro, env, null, "chat", "anthropic/demo", "Hello from the release");
                chat.Exit.ShouldBe(0, chat.Output);
                chat.Output.ShouldContain("emulated answer");

                // The password is in the database, so it travels with the backup (the access token file does not).
                var password = await RunAsync(maestro, env, "release drill password\n", "access", "password", "--password-stdin");
                password.Exit.ShouldBe(0, password.Output);

                // The guide's restore drill, with the server running: back up, then restore into a second home.
                var file = Path.Combine(folder, "drill.backup");
                var backup = await RunAsync(maestro, env, null, "backup", file);
                backup.Exit.ShouldBe(0, backup.Output);
                (await serve.StopAsync()).ShouldBe(0, serve.Output);
            }

            var drillHome = Path.Combine(folder, "drill-home");
            Directory.CreateDirectory(drillHome);
            File.SetUnixFileMode(drillHome, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            File.Copy(Path.Combine(home, "secret.key"), Path.Combine(drillHome, "secret.key"));
            var drill = new Dictionary<string, string?>(env) { ["MAESTRO_HOME"] = drillHome };
            var restore = await RunAsync(maestro, drill, null, "restore", Path.Combine(folder, "drill.backup"));
            restore.Exit.ShouldBe(0, restore.Output);
            (await RunAsync(maestro, drill, null, "migrate", "--status")).Output.ShouldContain("Up to date.");
            (await RunAsync(maestro, drill, null, "secrets", "status")).Output.ShouldContain("Every stored secret uses the current key");
            (await RunAsync(maestro, drill, null, "access", "status")).Output.ShouldContain("Password:       set");
            var again = await RunAsync(maestro, drill, null, "chat", "anthropic/demo", "Hello from the restored copy");
            again.Exit.ShouldBe(0, again.Output);
            again.Output.ShouldContain("emulated answer");
            TestContext.Current.TestOutputHelper?.WriteLine($"{new FileInfo(tarball).Length / 1024 / 1024} MiB tarball\n{restore.Output}");
        }
        finally
        {
            TestHome.Delete(folder);
        }
    }

    /// <summary>The guide's systemd units, pointed at this release, pass `systemd-analyze verify` without a remark.</summary>
    private static async Task VerifySystemdUnitsAsync(string folder, string maestro)
    {
        var guide = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "operations.md"));
        var blocks = Regex.Matches(guide, "```ini\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
        var units = new Dictionary<string, string>
        {
            ["maestro.service"] = blocks.Single(b => b.Contains("maestro serve", StringComparison.Ordinal)),
            ["maestro-backup.service"] = blocks.Single(b => b.Contains("maestro backup", StringComparison.Ordinal)),
            ["maestro-backup.timer"] = blocks.Single(b => b.Contains("[Timer]", StringComparison.Ordinal)),
        };
        var dir = Path.Combine(folder, "units");
        Directory.CreateDirectory(dir);
        foreach (var (name, text) in units)
        {
            if (name.EndsWith(".service", StringComparison.Ordinal))
            {
                text.ShouldContain("/opt/maestro/maestro", Case.Sensitive, $"the guide's {name} no longer runs /opt/maestro/maestro");
            }

            await File.WriteAllTextAsync(Path.Combine(dir, name), text.Replace("/opt/maestro/maestro", maestro, StringComparison.Ordinal));
        }

        var verify = await RunAsync("/usr/bin/systemd-analyze", new Dictionary<string, string?>(), null,
            ["verify", .. units.Keys.Select(name => Path.Combine(dir, name))]);
        verify.Exit.ShouldBe(0, verify.Output);
        verify.Output.Trim().ShouldBeEmpty();
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, IReadOnlyDictionary<string, string?> env, string? stdin, params string[] arguments)
    {
        await using var process = CliProcess.StartExecutable(program, env, arguments);
        if (stdin is not null)
        {
            await process.WriteLineAsync(stdin.TrimEnd('\n'));
        }

        process.CloseInput();
        var exit = await process.WaitForExitAsync(CommandTimeout);
        return (exit, process.Output);
    }
}
