using Maestro.Core.Auths;

namespace Maestro.Gateway.Routes;

/// <summary>A name gateway clients use as a model: an ordered list of targets, tried as a pool.</summary>
public sealed record GatewayRoute(Guid Id, string Name, IReadOnlyList<RouteTarget> Targets, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>One auth and the model to ask it for: <c>anthropic/work/claude-haiku-4-5</c>.</summary>
public sealed record RouteTarget(Guid AuthId, AuthRef Auth, string Model)
{
    public override string ToString() => $"{Auth}/{Model}";
}
