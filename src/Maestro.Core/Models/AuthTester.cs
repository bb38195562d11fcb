using System.Diagnostics;
using Maestro.Core.Auths;
using Maestro.Core.Providers;

namespace Maestro.Core.Models;

/// <summary>
/// Test on an auth: one cheap call (the live model list, asked afresh), its outcome saved as the auth's health so the
/// dashboard, the API and `auth list` show "Key refused" or "Unreachable" until a later call succeeds.
/// </summary>
public sealed class AuthTester(AuthService auths, ModelCatalog catalog, AuthHealthTracker health, TimeProvider time)
{
    public async Task<AuthTestResult> TestAsync(AuthRef auth, CancellationToken cancellationToken)
    {
        var record = await auths.GetAsync(auth, cancellationToken);
        var started = Stopwatch.GetTimestamp();
        AuthHealth outcome;
        int? models = null;
        bool ok;
        try
        {
            var list = await catalog.GetAsync(auth, refresh: true, cancellationToken);
            models = list.Models.Count;
            ok = true;
            outcome = new AuthHealth(AuthHealthState.Ok, $"{list.Models.Count} models listed", time.GetUtcNow());
        }
        catch (ProviderException ex)
        {
            ok = false;
            var state = ex.Kind switch
            {
                ProviderErrorKind.Authentication => AuthHealthState.KeyRefused,
                ProviderErrorKind.Transport when ex.InnerException is HttpRequestException => AuthHealthState.Unreachable,
                _ => (AuthHealthState?)null,
            };
            if (state is null)
            {
                // A rate limit or a server error says nothing about the key or the address: the health stays as it was.
                return new AuthTestResult(false, record.Health?.State.ToWire(), ex.Message, null, Elapsed(started));
            }

            outcome = new AuthHealth(state.Value, ex.Message, time.GetUtcNow());
        }

        await health.RecordAsync(record.Id, outcome, cancellationToken);
        return new AuthTestResult(ok, outcome.State.ToWire(), outcome.Message ?? outcome.Label, models, Elapsed(started));
    }

    private static long Elapsed(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

/// <param name="Health">ok, key_refused or unreachable (null: not known).</param>
/// <param name="Models">How many models the auth lists, when the call worked.</param>
public sealed record AuthTestResult(bool Ok, string? Health, string Message, int? Models, long LatencyMs);
