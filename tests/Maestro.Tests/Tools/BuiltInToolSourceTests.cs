using System.Text.Json;
using Maestro.Core.Errors;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Tools;

public sealed class BuiltInToolSourceTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddBuiltInTools(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public async Task The_source_returns_every_built_in_unless_the_session_chose_some()
    {
        using var services = Services([]);
        var source = services.GetRequiredService<IToolSource>();

        var all = await source.GetToolsAsync(new ToolSourceRequest(Guid.NewGuid(), null, []), CancellationToken.None);
        all.Select(t => t.Definition.Name).ShouldBe(["shell", "read_file", "write_file", "edit_file", "list_dir", "glob", "grep", "http_fetch"]);
        all.Select(t => t.Definition.Name).ShouldBe(BuiltInTools.Names);

        var chosen = await source.GetToolsAsync(new ToolSourceRequest(Guid.NewGuid(), ["read_file", "GREP", "not_a_tool"], []), CancellationToken.None);
        chosen.Select(t => t.Definition.Name).ShouldBe(["read_file", "grep"]);

        (await source.GetToolsAsync(new ToolSourceRequest(Guid.NewGuid(), [], []), CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public void The_catalog_names_each_tool_with_a_one_line_description_and_its_effect()
    {
        using var services = Services([]);
        var tools = services.GetRequiredService<BuiltInToolSource>().Tools;

        foreach (var (info, tool) in BuiltInTools.All.Zip(tools))
        {
            info.Name.ShouldBe(tool.Definition.Name);
            info.Effect.ShouldBe(tool.Definition.Effect);
            info.Summary.ShouldNotContain('\n');
        }

        tools.ToDictionary(t => t.Definition.Name, t => t.Definition.Effect).ShouldBe(new Dictionary<string, ToolEffect>
        {
            ["shell"] = ToolEffect.Executes,
            ["read_file"] = ToolEffect.ReadOnly,
            ["write_file"] = ToolEffect.Writes,
            ["edit_file"] = ToolEffect.Writes,
            ["list_dir"] = ToolEffect.ReadOnly,
            ["glob"] = ToolEffect.ReadOnly,
            ["grep"] = ToolEffect.ReadOnly,
            ["http_fetch"] = ToolEffect.Network,
        });
        BuiltInTools.Unknown(["shell", "Glob", "rm_rf"]).ShouldBe(["rm_rf"]);
    }

    [Fact]
    public void Every_schema_is_an_object_whose_properties_are_described_for_the_model()
    {
        using var services = Services([]);

        foreach (var tool in services.GetRequiredService<BuiltInToolSource>().Tools)
        {
            var definition = tool.Definition;
            definition.Source.ShouldBe(ToolDefinition.BuiltIn);
            definition.Description.Length.ShouldBeGreaterThan(100, definition.Name);
            var schema = definition.InputSchema;
            schema.GetProperty("type").GetString().ShouldBe("object");
            var properties = schema.GetProperty("properties").EnumerateObject().ToList();
            properties.ShouldNotBeEmpty();
            foreach (var property in properties)
            {
                property.Value.GetProperty("description").GetString()!.Length.ShouldBeGreaterThan(10, $"{definition.Name}.{property.Name}");
            }

            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray())
                {
                    properties.ShouldContain(p => p.Name == name.GetString());
                }
            }
        }
    }

    [Fact]
    public void Limits_come_from_the_settings_and_show_in_the_descriptions()
    {
        using var services = Services(new()
        {
            ["MAESTRO_TOOL_MAX_OUTPUT"] = "5000",
            ["MAESTRO_SHELL_TIMEOUT"] = "30",
            ["MAESTRO_SHELL_MAX_TIMEOUT"] = "90",
            ["MAESTRO_HTTP_FETCH_ALLOW"] = "docs.example.com,*.nuget.org",
        });

        var limits = services.GetRequiredService<ToolLimits>();
        limits.MaxOutputChars.ShouldBe(5000);
        limits.ShellTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        limits.MaxShellTimeout.ShouldBe(TimeSpan.FromSeconds(90));
        limits.HttpAllowList.ShouldBe(["docs.example.com", "*.nuget.org"]);

        var shell = services.GetRequiredService<BuiltInToolSource>().Tools[0].Definition;
        shell.Description.ShouldContain("stopped after 30 s unless you set timeout_seconds (at most 90 s)");
        shell.InputSchema.GetProperty("properties").GetProperty("timeout_seconds").GetProperty("maximum").GetInt32().ShouldBe(90);
    }

    [Fact]
    public void The_defaults_match_the_documented_ones_and_bad_values_are_clear_errors()
    {
        var defaults = ToolLimitsSettings.Read(new ConfigurationBuilder().Build());
        defaults.ShouldBe(new ToolLimits
        {
            MaxOutputChars = 30_000,
            ShellTimeout = TimeSpan.FromSeconds(120),
            MaxShellTimeout = TimeSpan.FromSeconds(600),
            HttpAllowList = defaults.HttpAllowList,
        });
        defaults.HttpAllowList.ShouldBeEmpty();

        // A default above the maximum is capped to it.
        Read(new() { ["MAESTRO_SHELL_TIMEOUT"] = "900" }).ShellTimeout.ShouldBe(TimeSpan.FromSeconds(600));

        Should.Throw<MaestroException>(() => Read(new() { ["MAESTRO_SHELL_TIMEOUT"] = "soon" })).Message.ShouldContain("MAESTRO_SHELL_TIMEOUT='soon'");
        Should.Throw<MaestroException>(() => Read(new() { ["MAESTRO_TOOL_MAX_OUTPUT"] = "10" })).Message.ShouldContain("MAESTRO_TOOL_MAX_OUTPUT");
    }

    [Fact]
    public async Task Arguments_of_the_wrong_type_are_reported_to_the_model()
    {
        using var services = Services([]);
        var readFile = services.GetRequiredService<BuiltInToolSource>().Tools.Single(t => t.Definition.Name == "read_file");
        var call = new ToolCall("c1", "read_file", new Dictionary<string, JsonElement> { ["path"] = JsonSerializer.SerializeToElement(42) });
        var context = new ToolContext { WorkingDirectory = "/", SessionId = Guid.NewGuid() };

        // The error travels in the task, never thrown from the call itself.
        var invocation = readFile.InvokeAsync(call, context, CancellationToken.None);
        (await Should.ThrowAsync<ToolArgumentException>(invocation))
            .Message.ShouldBe("Argument 'path' is required and must be a string.");
    }

    private static ToolLimits Read(Dictionary<string, string?> settings) =>
        ToolLimitsSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
}
