using System.Net;

namespace Maestro.Core.Providers.Http;

/// <summary>
/// Signs each attempt with the auth's current credentials; when the provider answers 401, asks the credential source
/// for fresh ones once (an OAuth refresh, single-flight across processes) and sends the request once more. An HTTP
/// handler rather than a chat-client layer, so model listing, Code Assist setup and raw pass-through get it too.
/// </summary>
public sealed class CredentialsHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (ProviderRequest.Of(request) is not { } call)
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var source = call.Connection.Credentials;
        var credentials = await source.GetAsync(cancellationToken);
        call.Signer.Sign(request, credentials, call.Connection);
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var fresh = await source.RefreshAfterRejectionAsync(credentials, cancellationToken);
        if (fresh is null)
        {
            return response;
        }

        response.Dispose();
        call.Signer.Sign(request, fresh, call.Connection);
        return await base.SendAsync(request, cancellationToken);
    }
}
