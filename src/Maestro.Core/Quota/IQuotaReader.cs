namespace Maestro.Core.Quota;

/// <summary>
/// Reads what one provider says about an auth's limits on a response: its rate-limit and quota headers, and on a 429
/// the body's details. Each provider has one in its own folder and sets it on its <c>ProviderEndpoint</c>; core code
/// never parses a provider's headers.
/// </summary>
public interface IQuotaReader
{
    /// <summary>True when a response with this status carries quota details in its body (read at most 64 KB, only then).</summary>
    bool ReadsBody(int status) => status == 429;

    /// <summary>What the response says, or null when it says nothing about limits.</summary>
    QuotaReading? Read(QuotaResponse response);
}
