using System.Globalization;
using System.Threading.RateLimiting;
using Maestro.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;

namespace Maestro.Web.Access;

/// <summary>
/// The sign-in form is rate-limited per client address (a fixed window a minute long), so the password cannot be
/// guessed at speed and its slow hash cannot be used to load the machine. Behind a reverse proxy the client address
/// comes from X-Forwarded-For, believed only from MAESTRO_TRUSTED_PROXIES.
/// </summary>
public static class SignInRateLimit
{
    public static void Configure(RateLimiterOptions options, AccessSettings settings)
    {
        options.AddPolicy(AccessSchemes.SignInRateLimit, context => RateLimitPartition.GetFixedWindowLimiter(
            context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = settings.SignInAttemptsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
        options.OnRejected = async (rejected, cancellationToken) =>
        {
            var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
            rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            var body = new ProblemBody(429, "Too many sign-in attempts", "rate_limited",
                $"Too many sign-in attempts from your address. Wait {seconds} seconds and try again.", null, null, null, seconds);
            await Results.Json(body, statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(rejected.HttpContext);
        };
    }
}
