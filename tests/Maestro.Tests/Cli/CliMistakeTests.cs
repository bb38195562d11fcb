using Maestro.Tests.Infrastructure;

namespace Maestro.Tests.Cli;

/// <summary>Command-line mistakes get one clear line, the same for every command, and never echo what may be a secret.</summary>
public sealed class CliMistakeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string Key = "sk-ant-api03-typed-on-the-command-line-0123456789";
    private MaestroTestEnvironment _env = null!;

    public async ValueTask InitializeAsync() => _env = await MaestroTestEnvironment.CreateAsync(postgres, "climistakes");

    public ValueTask DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task Emulate_refuses_a_bad_port_exactly_as_serve_does()
    {
        var serve = await CliRunner.RunAsync(_env, "serve", "--port", "-1");
        var emulate = await CliRunner.RunAsync(_env, "emulate", "--port", "-1");
        var high = await CliRunner.RunAsync(_env, "emulate", "--port", "70000");

        serve.ExitCode.ShouldBe(1, serve.ToString());
        emulate.ExitCode.ShouldBe(1, emulate.ToString());
        emulate.Stderr.Trim().ShouldBe("error: port: -1 is not a port number (0-65535).");
        emulate.Stderr.ShouldBe(serve.Stderr);
        high.Stderr.Trim().ShouldBe("error: port: 70000 is not a port number (0-65535).");
    }

    [Fact]
    public async Task A_chat_with_an_unknown_provider_says_so_and_lists_the_known_ones()
    {
        var result = await CliRunner.RunAsync(_env, "chat", "nosuch/x", "Hello");

        result.ExitCode.ShouldBe(1, result.ToString());
        result.Stderr.ShouldContain("Unknown provider 'nosuch'. Registered providers: anthropic, gemini, openai.");
        result.Stderr.ShouldNotContain("No auth named");
    }

    [Theory]
    [InlineData("auth", "add", "anthropic", "work", "--api-key", Key)]
    [InlineData("auth", "add", "anthropic", "work", "--api-key=" + Key)]
    [InlineData("auth", "update", "anthropic/work", "--token", Key)]
    [InlineData("chat", "anthropic/work", "--api-key", Key, "Hello")]
    [InlineData("chat", "anthropic/work", "--api-key=" + Key, "Hello")]
    public async Task An_unknown_option_is_named_without_its_value_and_points_to_api_key_stdin(params string[] arguments)
    {
        var result = await CliRunner.RunAsync(_env, arguments);

        result.ExitCode.ShouldBe(1, result.ToString());
        result.ToString().ShouldNotContain(Key);
        result.ToString().ShouldNotContain("sk-ant");
        result.Stderr.ShouldContain($"error: unknown option '{arguments.First(a => a.StartsWith("--", StringComparison.Ordinal)).Split('=')[0]}' (its value is not shown).");
        result.Stderr.ShouldContain("--api-key-stdin");
    }

    [Fact]
    public async Task Other_mistakes_name_what_is_wrong_and_text_after_a_double_dash_is_text()
    {
        var typo = await CliRunner.RunAsync(_env, "sesion", "list");
        typo.ExitCode.ShouldBe(1);
        typo.Stderr.ShouldContain("error: unexpected argument 'sesion'.");

        var unknown = await CliRunner.RunAsync(_env, "chat", "anthropic/work", "--verbose", "Hello");
        unknown.Stderr.ShouldContain("error: unknown option '--verbose'");
        unknown.Stderr.ShouldContain("goes after a lone \"--\"");

        // After "--", a word starting with "--" is the prompt's text: the command goes on (and finds no such auth).
        var literal = await CliRunner.RunAsync(_env, "chat", "anthropic/work", "--", "--verbose means what?");
        literal.Stderr.ShouldContain("No auth named 'work' for provider 'anthropic'");
    }
}
