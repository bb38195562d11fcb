using Maestro.Core.Errors;
using Maestro.Core.Mcp;

namespace Maestro.Tests.Mcp;

/// <summary>Which parts of an MCP command line or URL are hidden, and how an edit made from the hidden form keeps them.</summary>
public sealed class McpRedactionTests
{
    [Theory]
    [InlineData("--token", true)]
    [InlineData("--api-key", true)]
    [InlineData("--key", true)]
    [InlineData("--secret", true)]
    [InlineData("--password", true)]
    [InlineData("--client-secret", true)]
    [InlineData("--access_token", true)]
    [InlineData("-apikey", true)]
    [InlineData("api_key", true)]
    [InlineData("--verbose", false)]
    [InlineData("--author", false)]
    [InlineData("--keyboard", false)]
    [InlineData("--port", false)]
    public void Secret_names_are_recognized_by_their_words(string name, bool secret) =>
        McpRedaction.IsSecretName(name).ShouldBe(secret);

    [Fact]
    public void Values_after_secret_flags_and_in_their_equals_forms_are_hidden_element_for_element()
    {
        McpRedaction.RedactArgs(["-y", "server", "--token", "t1", "--api-key=k1", "--secret", "--port", "80", "--password=", "plain"])
            .ShouldBe(["-y", "server", "--token", "redacted", "--api-key=redacted", "--secret", "--port", "80", "--password=redacted", "plain"]);
    }

    [Theory]
    [InlineData("https://mcp.example.com/mcp", "https://mcp.example.com/mcp")]
    [InlineData("https://u:p@mcp.example.com/mcp", "https://u:redacted@mcp.example.com/mcp")]
    [InlineData("https://ghp_abc@github.example.com/x", "https://redacted@github.example.com/x")]
    [InlineData("https://h/mcp?api_key=k&mode=a&token=t&sig=s#top", "https://h/mcp?api_key=redacted&mode=a&token=redacted&sig=redacted#top")]
    [InlineData("http://h:8080/sse?AUTH=x&flag", "http://h:8080/sse?AUTH=redacted&flag")]
    [InlineData("not a url ?token=x", "not a url ?token=x")]
    public void Urls_hide_their_user_info_and_secret_looking_query_values(string url, string shown) =>
        McpRedaction.RedactUrl(url).ShouldBe(shown);

    [Fact]
    public void An_edit_made_from_the_hidden_form_keeps_the_stored_values()
    {
        IReadOnlyList<string> stored = ["--token", "t1", "--api-key=k1", "--token", "t2", "https://u:p@h/x?key=q&v=1"];
        var shown = McpRedaction.RedactArgs(stored);

        McpRedaction.RestoreArgs(shown, stored).ShouldBe(stored);
        McpRedaction.RestoreArgs([.. shown.Take(5), "https://u:redacted@h/x?key=redacted&v=2", "--new"], stored)
            .ShouldBe(["--token", "t1", "--api-key=k1", "--token", "t2", "https://u:p@h/x?key=q&v=2", "--new"]);
        McpRedaction.RestoreArgs(["--token", "fresh"], stored).ShouldBe(["--token", "fresh"]);
        Should.Throw<ValidationFailedException>(() => McpRedaction.RestoreArgs(["--password", "redacted"], stored)).Errors.Keys.ShouldBe(["args"]);

        McpRedaction.RestoreUrl("https://redacted@h/mcp?access_token=redacted&v=3", "https://tok@h/mcp?access_token=a1&v=2")
            .ShouldBe("https://tok@h/mcp?access_token=a1&v=3");
        Should.Throw<ValidationFailedException>(() => McpRedaction.RestoreUrl("https://h/mcp?token=redacted", "https://h/mcp")).Errors.Keys.ShouldBe(["url"]);
    }
}
