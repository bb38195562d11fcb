namespace Maestro.Core.OAuth;

/// <summary>Logins in progress, shared by every Maestro process on the database. Implementations encrypt the secrets.</summary>
public interface IOAuthFlowStore
{
    Task CreateAsync(OAuthFlow flow, OAuthFlowSecrets secrets, CancellationToken cancellationToken);

    Task<OAuthFlow?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Moves a pending, unexpired flow to <see cref="OAuthFlowStatus.Exchanging"/> and returns it with its secrets; null
    /// when it is not pending any more (or expired). Atomic across processes: a code is exchanged at most once.
    /// </summary>
    Task<(OAuthFlow Flow, OAuthFlowSecrets Secrets)?> ClaimAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The secrets of a flow, to check a state or poll a device login; null when the flow is gone.</summary>
    Task<OAuthFlowSecrets?> GetSecretsAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Sets the status and message; <paramref name="onlyFrom"/> limits the change to flows still in that status (so a
    /// timeout cannot overwrite a completion). Returns the updated flow, or null when nothing changed.
    /// </summary>
    Task<OAuthFlow?> UpdateStatusAsync(
        Guid id, OAuthFlowStatus status, string? message, Guid? authId, OAuthFlowStatus? onlyFrom, CancellationToken cancellationToken);

    /// <summary>Deletes flows that ended (or expired) before <paramref name="before"/>.</summary>
    Task<int> DeleteOlderThanAsync(DateTimeOffset before, CancellationToken cancellationToken);
}
