namespace Maestro.Tests.Emulator;

/// <summary>The recorded fixtures on disk (src/Maestro.Emulator/Fixtures/providers), to compare replays against.</summary>
public static class FixtureFiles
{
    public static string Root { get; } = FindRoot();

    /// <summary>Every recorded stream, as (api, fixture name).</summary>
    public static IEnumerable<(string Api, string Name)> Streams()
    {
        foreach (var api in new[] { Api.AnthropicMessages, Api.OpenAIResponses, Api.OpenAIChat, Api.GeminiGenerate })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(Root, Folder(api)), "*.sse").Order(StringComparer.Ordinal))
            {
                yield return (api, Path.GetFileNameWithoutExtension(file));
            }
        }
    }

    public static TheoryData<string, string> AllStreams()
    {
        var data = new TheoryData<string, string>();
        foreach (var (api, name) in Streams())
        {
            data.Add(api, name);
        }

        return data;
    }

    public static string Folder(string api) => api switch
    {
        Api.AnthropicMessages => "anthropic/messages",
        Api.OpenAIResponses => "openai/responses",
        Api.OpenAIChat => "openai/chat-completions",
        _ => "gemini/generate-content",
    };

    public static byte[] Read(string api, string name) => File.ReadAllBytes(Path.Combine(Root, Folder(api), name + ".sse"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maestro.slnx")))
            {
                return Path.Combine(dir.FullName, "src", "Maestro.Emulator", "Fixtures", "providers");
            }
        }

        throw new InvalidOperationException("Repository root (Maestro.slnx) not found above " + AppContext.BaseDirectory);
    }
}
