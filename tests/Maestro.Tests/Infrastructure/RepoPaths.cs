namespace Maestro.Tests.Infrastructure;

/// <summary>Finds files of this repository from the test's output folder.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>A recorded provider response, e.g. <c>Fixture("anthropic/messages/text-basic.sse")</c>.</summary>
    public static string Fixture(string relative) =>
        Path.Combine(Root, "src", "Maestro.Emulator", "Fixtures", "providers", relative);

    public static byte[] FixtureBytes(string relative) => File.ReadAllBytes(Fixture(relative));

    /// <summary>Every fixture file under a folder (e.g. "anthropic/messages", "*.sse"), as paths relative to providers/.</summary>
    public static IEnumerable<string> Fixtures(string folder, string pattern) =>
        Directory.GetFiles(Fixture(folder), pattern)
            .Select(p => Path.GetRelativePath(Fixture(""), p))
            .Order(StringComparer.Ordinal);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Maestro.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Maestro.slnx) above " + AppContext.BaseDirectory);
    }
}
