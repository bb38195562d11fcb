namespace Maestro.Core.Prompts;

/// <summary>Where prompts and their versions are kept.</summary>
public interface IPromptStore
{
    Task<IReadOnlyList<Prompt>> ListAsync(CancellationToken cancellationToken);

    Task<Prompt?> FindAsync(string name, CancellationToken cancellationToken);

    Task<Prompt?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<PromptVersion>> VersionsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>The text of a version (null: the latest).</summary>
    Task<string?> ContentAsync(Guid id, int? version, CancellationToken cancellationToken);

    Task<Prompt> CreateAsync(string name, PromptKind kind, string? description, string content, CancellationToken cancellationToken);

    /// <summary>Adds a version with new content; returns the prompt with its new latest version.</summary>
    Task<Prompt> AddVersionAsync(Guid id, string content, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);
}
