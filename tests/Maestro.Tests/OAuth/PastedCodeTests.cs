using Maestro.Core.Errors;
using Maestro.Core.OAuth;

namespace Maestro.Tests.OAuth;

public sealed class PastedCodeTests
{
    [Theory]
    [InlineData("abc123#st4te", "abc123", "st4te")]
    [InlineData("  abc123#st4te\n", "abc123", "st4te")]
    [InlineData("\"abc123#st4te\"", "abc123", "st4te")]
    [InlineData("http://localhost:1455/auth/callback?code=abc%2B1&state=s1&scope=x", "abc+1", "s1")]
    [InlineData("https://console.anthropic.com/oauth/code/callback?code=c-1_2&state=s-9", "c-1_2", "s-9")]
    [InlineData("code=abc&state=xyz", "abc", "xyz")]
    [InlineData("?state=xyz&code=abc", "abc", "xyz")]
    [InlineData("http://localhost:8085/oauth2callback#code=frag&state=st", "frag", "st")]
    public void Accepts_code_hash_state_a_callback_url_or_a_query_string(string pasted, string code, string state)
    {
        var parsed = PastedCode.Parse(pasted);

        parsed.Code.ShouldBe(code);
        parsed.State.ShouldBe(state);
        parsed.Error.ShouldBeNull();
    }

    [Fact]
    public void A_pasted_error_address_carries_the_providers_error()
    {
        var parsed = PastedCode.Parse("http://localhost:1455/auth/callback?error=access_denied&error_description=User+said+no&state=s1");

        parsed.Error.ShouldBe("access_denied");
        parsed.ErrorDescription.ShouldBe("User said no");
        parsed.State.ShouldBe("s1");
    }

    [Theory]
    [InlineData("", "Nothing was pasted")]
    [InlineData("   ", "Nothing was pasted")]
    [InlineData("abc def#state", "contains spaces or line breaks")]
    [InlineData("justacode", "has no state: paste the whole value including the part after '#'")]
    [InlineData("code#", "is not of the form code#state")]
    [InlineData("#state", "is not of the form code#state")]
    [InlineData("a#b#c", "is not of the form code#state")]
    [InlineData("http://localhost:1455/auth/callback?state=only", "has no 'code' parameter")]
    [InlineData("code=abc", "has no 'state' parameter")]
    [InlineData("http://[bad", "not a valid URL")]
    public void Malformed_pastes_are_one_clear_error_naming_the_field(string pasted, string expected)
    {
        var error = Should.Throw<ValidationFailedException>(() => PastedCode.Parse(pasted));

        error.Errors.Keys.ShouldBe(["code"]);
        error.Errors["code"].Single().ShouldContain(expected);
    }

    [Fact]
    public void The_pasted_code_never_prints_itself()
    {
        PastedCode.Parse("secret-code#secret-state").ToString().ShouldNotContain("secret");
    }
}
