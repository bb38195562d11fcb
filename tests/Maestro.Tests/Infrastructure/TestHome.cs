namespace Maestro.Tests.Infrastructure;

/// <summary>Temporary $MAESTRO_HOME folders under /tmp, removed after the test.</summary>
public static class TestHome
{
    public static string Create(string label)
    {
        var path = Path.Combine(Path.GetTempPath(), $"maestro-test-{label}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(path);
        // When tests run as root, PostgreSQL runs as 'postgres' and must be able to enter the folder to reach its data.
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server may still be releasing files; /tmp is cleaned eventually.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
