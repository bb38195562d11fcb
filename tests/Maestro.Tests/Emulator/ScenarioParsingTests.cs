using System.Text;
using Maestro.Emulator;
using Maestro.Emulator.Gemini;
using Maestro.Emulator.Scenarios;

namespace Maestro.Tests.Emulator;

public sealed class ScenarioParsingTests
{
    [Theory]
    [InlineData("429", FaultKind.RateLimited, null)]
    [InlineData("429:5", FaultKind.RateLimited, 5)]
    [InlineData("529", FaultKind.Overloaded, null)]
    [InlineData("503", FaultKind.Unavailable, null)]
    [InlineData("500", FaultKind.ServerError, null)]
    [InlineData("401", FaultKind.Unauthorized, null)]
    [InlineData("disconnect:3", FaultKind.Disconnect, 3)]
    [InlineData("malformed", FaultKind.Malformed, null)]
    [InlineData("stall:0", FaultKind.Stall, 0)]
    [InlineData("TRUNCATE:2", FaultKind.Truncate, 2)]
    public void Faults_parse_and_print_back(string text, FaultKind kind, int? argument)
    {
        var fault = EmulatorFault.Parse(text);
        fault.Kind.ShouldBe(kind);
        fault.Argument.ShouldBe(argument);
        EmulatorFault.Parse(fault.ToString()).ShouldBe(fault);
    }

    [Theory]
    [InlineData("")]
    [InlineData("418")]
    [InlineData("disconnect")]
    [InlineData("503:2")]
    [InlineData("stall:soon")]
    public void Bad_faults_are_refused_with_a_reason(string text)
    {
        EmulatorFault.TryParse(text, out _, out var error).ShouldBeFalse();
        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("fixture:text-basic", typeof(ModelConvention.Fixture))]
    [InlineData("fixture:text@20", typeof(ModelConvention.Fixture))]
    [InlineData("synthetic:500", typeof(ModelConvention.Synthetic))]
    [InlineData("synthetic:500@12.5", typeof(ModelConvention.Synthetic))]
    [InlineData("fault:429:3", typeof(ModelConvention.Fault))]
    [InlineData("synthetic:lots", typeof(ModelConvention.Invalid))]
    [InlineData("fault:teapot", typeof(ModelConvention.Invalid))]
    public void Model_conventions_are_recognised(string model, Type expected) =>
        ModelConvention.Parse(model)!.GetType().ShouldBe(expected);

    [Fact]
    public void Synthetic_rate_is_parsed()
    {
        ModelConvention.Parse("synthetic:500@12.5").ShouldBe(new ModelConvention.Synthetic(500, 12.5));
        ModelConvention.Parse("gpt-5").ShouldBeNull();
    }

    [Theory]
    [InlineData("Hello world.")]
    [InlineData("  leading and trailing  ")]
    [InlineData("line one\nline two\n\n```\ncode\n```")]
    [InlineData("")]
    public void Text_tokens_concatenate_back_to_the_text(string text) =>
        string.Concat(TextTokens.Split(text)).ShouldBe(text);

    [Fact]
    public void Argument_fragments_never_split_a_surrogate_pair()
    {
        var json = "{\"emoji\":\"😀😀😀😀😀\"}";
        var fragments = TextTokens.Fragments(json, size: 3);
        string.Concat(fragments).ShouldBe(json);
        fragments.ShouldAllBe(f => !char.IsHighSurrogate(f[f.Length - 1]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(1000)]
    public void Synthetic_text_has_exactly_the_requested_tokens(int count) =>
        SyntheticText.Tokens("openai", "gpt-5", "a prompt with\nnewlines", count).Count.ShouldBe(count);

    [Fact]
    public void Google_spacing_adds_a_space_after_colons_outside_strings()
    {
        var spaced = GoogleJsonSpacing.Apply(Encoding.UTF8.GetBytes("""{"a":"x:y\"z:","b":[{"c":1}]}"""));
        Encoding.UTF8.GetString(spaced).ShouldBe("""{"a": "x:y\"z:","b": [{"c": 1}]}""");
    }

    [Fact]
    public void Fixture_events_concatenate_to_the_recording()
    {
        var bytes = Encoding.UTF8.GetBytes("data: 1\r\n\r\ndata: 2\r\n\r\nevent: x\ndata: 3\n\ntrailing");
        var events = FixtureLibrary.Events(bytes);
        events.Count.ShouldBe(4);
        events.SelectMany(e => e.ToArray()).ToArray().ShouldBe(bytes);
    }
}
