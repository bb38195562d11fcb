using System.Text.Json;
using Maestro.Core.Tools;
using Maestro.Core.Tools.BuiltIn;
using Maestro.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Maestro.Tests.Tools;

/// <summary>
/// A real working directory in /tmp for tool tests, with a sibling "outside" folder holding a secret that no file tool
/// may reach, and the built-in tools as the composition root wires them.
/// </summary>
public sealed class ToolWorkspace : IDisposable
{
    public const string Secret = "TOP-SECRET-OUTSIDE";

    private readonly ServiceProvider _services;

    public ToolWorkspace(ToolLimits? limits = null, IDictionary<string, string?>? settings = null)
    {
        Parent = TestHome.Create("tools");
        Root = Path.Combine(Parent, "work");
        Outside = Path.Combine(Parent, "outside");
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Outside, "secret.txt"), Secret + "\n");

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? new Dictionary<string, string?>()).Build();
        _services = new ServiceCollection().AddBuiltInTools(configuration).BuildServiceProvider();
        Source = _services.GetRequiredService<BuiltInToolSource>();
        Context = new ToolContext
        {
            WorkingDirectory = Root,
            SessionId = Guid.NewGuid(),
            Limits = limits ?? _services.GetRequiredService<ToolLimits>(),
        };
    }

    /// <summary>Holds <see cref="Root"/> and <see cref="Outside"/>; removed on dispose.</summary>
    public string Parent { get; }

    /// <summary>The session's working directory.</summary>
    public string Root { get; }

    /// <summary>A folder beside the working directory with secret.txt in it.</summary>
    public string Outside { get; }

    public ToolContext Context { get; set; }

    public BuiltInToolSource Source { get; }

    public MaestroTool Tool(string name) => Source.Tools.Single(t => t.Definition.Name == name);

    public static ToolCall Call(string tool, object arguments) =>
        new($"call-{Guid.NewGuid():N}", tool, JsonSerializer.SerializeToElement(arguments).EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.Clone()));

    public Task<ToolResult> RunAsync(string tool, object arguments, CancellationToken cancellationToken = default) =>
        Tool(tool).InvokeAsync(Call(tool, arguments), Context, cancellationToken);

    /// <summary>The argument error a call is refused with.</summary>
    public async Task<ToolArgumentException> RefusedAsync(string tool, object arguments) =>
        await Should.ThrowAsync<ToolArgumentException>(() => RunAsync(tool, arguments));

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public void Link(string relative, string target)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.CreateSymbolicLink(path, target);
    }

    public void Dispose()
    {
        _services.Dispose();
        TestHome.Delete(Parent);
    }
}
