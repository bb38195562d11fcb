using Maestro.Gateway.Directory;
using Microsoft.AspNetCore.Http;

namespace Maestro.Gateway.Keys;

/// <summary>The key a gateway request was authenticated with, and the keys and routes as they were read for it.</summary>
internal sealed record GatewayCaller(GatewayKey Key, GatewaySnapshot Snapshot)
{
    private static readonly object ItemKey = new();

    public static GatewayCaller Of(HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var caller) && caller is GatewayCaller found
            ? found
            : throw new InvalidOperationException("The gateway key filter did not run for this endpoint.");

    public void Attach(HttpContext context) => context.Items[ItemKey] = this;
}
