namespace Maestro.Bench.Load;

/// <summary>
/// What a benchmark started: its processes and its throwaway MAESTRO_HOME. Disposing stops the processes (the last
/// started first) and removes the home with its embedded database, or keeps it (with the processes' logs) when asked.
/// </summary>
public sealed class BenchProcesses(string home, bool keep, TextWriter progress) : IAsyncDisposable
{
    public string Home { get; } = home;

    public List<MaestroProcess> All { get; } = [];

    public async ValueTask DisposeAsync()
    {
        progress.WriteLine("Stopping the processes …");
        for (var i = All.Count - 1; i >= 0; i--)
        {
            await All[i].DisposeAsync();
        }

        if (keep)
        {
            progress.WriteLine($"Kept {Home} (process logs: *.log).");
        }
        else
        {
            DeleteHome();
        }
    }

    private void DeleteHome()
    {
        try
        {
            var pointer = Path.Combine(Home, "postgres.location");
            if (File.Exists(pointer) && File.ReadAllText(pointer).Trim() is { Length: > 0 } data && Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }

            Directory.Delete(Home, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            progress.WriteLine($"Could not delete {Home}: {ex.Message}");
        }
    }
}
