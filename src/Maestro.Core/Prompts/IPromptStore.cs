using Maestro.Core.Sessions;

namespace Maestro.Core.Prompts;

/// <summary>Where prompts and their versions are kept.</summary>
public interface IPromptStore
{
    Task<IReadOnlyList<Prompt>> ListAsync(CancellationToken cancellationToken);

    Task<Prompt?> FindAsync(string name, CancellationToken cancellationToken);

    Task<Prompt?> GetAsync(Guid id, CancellationToken cancellationToken);

    Task<IReadOnlyList<PromptVersion>> VersionsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// The text of each prompt of a stack, in the stack's order: the pinned version, or the latest where none is pinned;
    /// null where the prompt or the version no longer exists. One read for the whole stack.
    /// </summary>
    Task<IReadOnlyList<string?>> ContentsAsync(IReadOnlyList<PromptRef> stack, CancellationToken cancellationToken);

    Task<Prompt> CreateAsync(string name, PromptKind kind, string? description, string content, CancellationToken cancellationToken);

    /// <summary>Adds a version with new content; returns the prompt with its new latest version.</summary>
    Task<Prompt> AddVersionAsync(Guid id, string content, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(Guid id, CancellationToken cancellationToken);
}
