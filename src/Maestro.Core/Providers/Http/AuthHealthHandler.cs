using Maestro.Core.Auths;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Outermost provider handler: reports each request's final outcome (after the retries below it) to the
/// <see cref="AuthHealthTracker"/>, so an auth's status follows a refused key or an unreachable base URL and recovers on
/// the next success. Other failures (rate limits, server errors, a bad request) say nothing about the auth itself.
/// </summary>
public sealed class AuthHealthHandler(AuthHealthTracker tracker) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ProviderRequest.Of(request) is not { } call)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var authId = call.Connection.Auth.Id;
        try
        {
            var response = await base.SendAsync(request, cancellationToken);
            tracker.Report(authId, AuthHealthState.Ok, null);
            return response;
        }
        catch (ProviderException ex) when (ex.Kind == ProviderErrorKind.Authentication)
        {
            tracker.Report(authId, AuthHealthState.KeyRefused, ex.Message);
            throw;
        }
        catch (ProviderException ex) when (ex.Kind == ProviderErrorKind.Transport && ex.InnerException is HttpRequestException)
        {
            tracker.Report(authId, AuthHealthState.Unreachable, ex.Message);
            throw;
        }
    }
}
