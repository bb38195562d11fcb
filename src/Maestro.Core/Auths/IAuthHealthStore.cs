namespace Maestro.Core.Auths;

/// <summary>Where an auth's last outcome is kept, so every process and every viewer sees it.</summary>
public interface IAuthHealthStore
{
    Task SetAsync(Guid authId, AuthHealth health, CancellationToken cancellationToken);
}
