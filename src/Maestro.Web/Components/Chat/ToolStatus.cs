namespace Maestro.Web.Components.Chat;

/// <summary>How a tool call's status reads on its card.</summary>
public static class ToolStatus
{
    public static string Label(string status) => status switch
    {
        "queued" => "queued",
        "awaiting_approval" => "waiting for approval",
        "approved" => "approved",
        "running" => "running…",
        "done" => "done",
        "error" => "failed",
        "denied" => "denied",
        _ => "not run",
    };

    public static string BadgeClass(string status) => status switch
    {
        "done" => "ok",
        "error" => "bad",
        // A refusal is the user's (or the policy's) decision, not a failure.
        "awaiting_approval" or "denied" => "warn",
        "running" or "approved" or "queued" => "info",
        _ => "neutral",
    };
}
