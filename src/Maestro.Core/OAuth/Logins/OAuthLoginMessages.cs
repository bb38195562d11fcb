using Maestro.Core.Errors;
using Maestro.Core.Providers;

namespace Maestro.Core.OAuth.Logins;

/// <summary>What a user reads when a login cannot go on: a denied sign-in, a login that moved on, one that is gone.</summary>
public sealed class OAuthLoginMessages(ProviderRegistry registry)
{
    /// <summary>The provider's display name ("OpenAI"), or its id when it is not registered.</summary>
    public string Display(string providerId) => registry.TryGet(providerId, out var p) ? p.Descriptor.DisplayName : providerId;

    public string Denied(OAuthFlow flow, string error, string? description) =>
        $"The sign-in was not approved at {Display(flow.Provider)} ({error}{(string.IsNullOrEmpty(description) ? "" : ": " + description)}). Start the login again when you are ready.";

    public static ConflictException NotWaiting(OAuthFlow flow) => new(flow.Status switch
    {
        OAuthFlowStatus.Completed => $"This login already completed ({flow.AuthLabel}).",
        OAuthFlowStatus.Exchanging => "This login is already exchanging its code.",
        OAuthFlowStatus.Expired => "This login expired before it was completed; start a new one.",
        OAuthFlowStatus.Cancelled => "This login was cancelled; start a new one.",
        _ => $"This login failed: {flow.Message} Start a new one.",
    });

    public static NotFoundException Gone(Guid flowId) =>
        new($"There is no login {flowId}.", "Logins are kept for a day after they end; start a new one with `maestro auth login`.");
}
