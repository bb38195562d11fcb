namespace Maestro.Web.Ui;

/// <summary>How a decided approval reads on its tool card.</summary>
public static class ApprovalNotes
{
    public static string Describe(string status, string? reason) => status switch
    {
        "approved" => "Approved once.",
        "approved_session" => "Approved for this session: it runs without asking from now on.",
        "denied" => reason is { Length: > 0 } ? $"Denied: {reason}" : "Denied.",
        _ => "Expired: the turn ended before a decision.",
    };
}
