using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Gateway.Pools;

/// <summary>How trying one target went.</summary>
/// <param name="Started">The answer began reaching the client: nothing more may be tried.</param>
/// <param name="Failure">Why the target failed (before any byte when <paramref name="Started"/> is false, mid-answer otherwise).</param>
/// <param name="Model">The model the provider says answered.</param>
internal sealed record AttemptResult(bool Started, ProviderException? Failure, UsageDetails? Usage, string? Model)
{
    public static AttemptResult NotStarted(ProviderException failure) => new(false, failure, null, null);

    public bool Succeeded => Started && Failure is null;
}
