namespace Maestro.Core.Usage;

/// <summary>Why a provider call was made, as recorded in the usage ledger.</summary>
public static class UsagePurposes
{
    /// <summary>A model round of a session's turn.</summary>
    public const string Turn = "turn";

    /// <summary>Summarizing older turns to keep the context inside the window.</summary>
    public const string Compaction = "compaction";

    /// <summary>Naming a conversation.</summary>
    public const string Title = "title";

    /// <summary>A call outside a session (<c>maestro chat auth "…"</c>, <c>maestro e2e</c>).</summary>
    public const string Chat = "chat";
}
