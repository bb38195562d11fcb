namespace Maestro.Core.Sessions;

/// <summary>One page of the session list (most recently updated first), with the total so a list can page.</summary>
public sealed record SessionPage(IReadOnlyList<Session> Sessions, int Total, int Number, int Size)
{
    /// <summary>Sessions per page of the dashboard.</summary>
    public const int DefaultSize = 50;

    public int Pages => Math.Max(1, (Total + Size - 1) / Size);

    public bool HasPrevious => Number > 1;

    public bool HasNext => Number < Pages;

    /// <summary>1-based position of the first session on the page (0 when empty).</summary>
    public int First => Sessions.Count == 0 ? 0 : ((Number - 1) * Size) + 1;

    public int Last => First == 0 ? 0 : First + Sessions.Count - 1;

    /// <summary>The search and filters the page was listed with (kept by its page links).</summary>
    public SessionFilter Filter { get; init; } = SessionFilter.None;
}
