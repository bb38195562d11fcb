namespace Maestro.Emulator;

/// <summary>The failures the emulator can inject. Status faults answer before any byte of a body; stream faults damage an answer.</summary>
public enum FaultKind
{
    /// <summary><c>429[:seconds]</c>: the provider's rate-limit error with a <c>Retry-After</c> header.</summary>
    RateLimited,

    /// <summary><c>529</c>: Anthropic's overloaded_error; the other providers answer 503.</summary>
    Overloaded,

    /// <summary><c>503</c>: service unavailable.</summary>
    Unavailable,

    /// <summary><c>500</c>: internal server error.</summary>
    ServerError,

    /// <summary><c>401</c>: the credential was rejected (as an expired OAuth token would be).</summary>
    Unauthorized,

    /// <summary><c>disconnect:K</c>: K stream events, then the connection is aborted.</summary>
    Disconnect,

    /// <summary><c>malformed[:K]</c>: after K events a data line that is not valid JSON, then the rest of the stream.</summary>
    Malformed,

    /// <summary><c>stall[:K]</c>: K events, then silence until the client gives up.</summary>
    Stall,

    /// <summary><c>truncate[:K]</c>: at most K events, then a clean end without the provider's completion event.</summary>
    Truncate,
}
