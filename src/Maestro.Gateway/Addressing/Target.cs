using Maestro.Core.Auths;

namespace Maestro.Gateway.Addressing;

/// <summary>One place a request can go: an auth and the model to ask it for.</summary>
internal sealed record Target(AuthRecord Auth, string Model)
{
    public override string ToString() => $"{Auth.Ref}/{Model}";
}

/// <summary>Where a request may go, in the route's order (the pool orders them again by their limits).</summary>
/// <param name="Route">The route's name when the client named one.</param>
internal sealed record Resolution(IReadOnlyList<Target> Targets, string? Route);
