namespace Maestro.Core.Settings;

/// <summary>Settings documents by key (JSON), shared by every process on the database.</summary>
public interface ISettingsStore
{
    Task<string?> GetAsync(string key, CancellationToken cancellationToken);

    Task SetAsync(string key, string json, CancellationToken cancellationToken);
}
