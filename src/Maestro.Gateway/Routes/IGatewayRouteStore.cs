namespace Maestro.Gateway.Routes;

/// <summary>Routes in storage.</summary>
public interface IGatewayRouteStore
{
    Task<IReadOnlyList<GatewayRoute>> ListAsync(CancellationToken cancellationToken);

    /// <exception cref="Core.Errors.ConflictException">A route of that name exists.</exception>
    Task<GatewayRoute> CreateAsync(string name, IReadOnlyList<(Guid AuthId, string Model)> targets, CancellationToken cancellationToken);

    /// <summary>Renames a route and/or replaces its targets (in one transaction); null when there is no route of that name.</summary>
    /// <exception cref="Core.Errors.ConflictException">A route named <paramref name="newName"/> exists.</exception>
    Task<GatewayRoute?> UpdateAsync(string name, string? newName, IReadOnlyList<(Guid AuthId, string Model)>? targets, CancellationToken cancellationToken);

    /// <exception cref="Core.Errors.ConflictException">Keys are limited to the route.</exception>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
