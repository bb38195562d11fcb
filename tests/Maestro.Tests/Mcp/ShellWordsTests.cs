using Maestro.Core.Mcp;

namespace Maestro.Tests.Mcp;

public sealed class ShellWordsTests
{
    [Theory]
    [InlineData("a b  c", new[] { "a", "b", "c" })]
    [InlineData("say 'hello world' \"and more\"", new[] { "say", "hello world", "and more" })]
    [InlineData(@"a\ b c", new[] { "a b", "c" })]
    [InlineData("'it'\\''s'", new[] { "it's" })]
    [InlineData("\"a \\\"quoted\\\" \\$HOME \\n\"", new[] { "a \"quoted\" $HOME \\n" })]
    [InlineData("x'y'\"z\"", new[] { "xyz" })]
    [InlineData("''", new[] { "" })]
    [InlineData("a #comment", new[] { "a" })]
    [InlineData("a#b", new[] { "a#b" })]
    [InlineData("-e KEY=$SECRET", new[] { "-e", "KEY=$SECRET" })]
    public void Splits_words_like_a_posix_shell(string line, string[] expected) =>
        ShellWords.Split(line).ShouldBe(expected);

    [Fact]
    public void Commands_end_at_newlines_semicolons_and_double_ampersands_but_a_backslash_joins_lines()
    {
        var commands = ShellWords.SplitCommands("one a \\\n  b\ntwo; three && four\n\n# only a comment\n");

        commands.Select(c => string.Join('|', c)).ShouldBe(["one|a|b", "two", "three", "four"]);
    }

    [Theory]
    [InlineData("say 'unclosed", "A single quote opened at position 5 is never closed.")]
    [InlineData("say \"unclosed", "A double quote opened at position 5 is never closed.")]
    public void An_unclosed_quote_is_an_error(string line, string message) =>
        Should.Throw<FormatException>(() => ShellWords.Split(line)).Message.ShouldBe(message);

    [Theory]
    [InlineData("plain")]
    [InlineData("with space")]
    [InlineData("it's")]
    [InlineData("$HOME")]
    [InlineData("")]
    public void Quote_round_trips(string word) => ShellWords.Split(ShellWords.Quote(word)).ShouldBe([word]);
}
