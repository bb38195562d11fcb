using Maestro.Core.Errors;
using Maestro.Core.Mcp;
using Microsoft.Extensions.Configuration;

namespace Maestro.Tests.Mcp;

public sealed class McpSettingsTests
{
    [Fact]
    public void Defaults_are_30_seconds_to_connect_and_120_per_call()
    {
        var settings = McpSettings.Read(Configuration([]));

        settings.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        settings.CallTimeout.ShouldBe(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void Reads_both_timeouts_in_seconds()
    {
        var settings = McpSettings.Read(Configuration(new() { ["MAESTRO_MCP_TIMEOUT"] = "5", ["MAESTRO_MCP_CALL_TIMEOUT"] = "600" }));

        settings.ConnectTimeout.ShouldBe(TimeSpan.FromSeconds(5));
        settings.CallTimeout.ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Theory]
    [InlineData("MAESTRO_MCP_TIMEOUT", "soon")]
    [InlineData("MAESTRO_MCP_CALL_TIMEOUT", "0")]
    public void A_malformed_value_is_named_in_the_error(string name, string value) =>
        Should.Throw<MaestroException>(() => McpSettings.Read(Configuration(new() { [name] = value })))
            .Message.ShouldStartWith($"{name}='{value}' is not a whole number");

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
