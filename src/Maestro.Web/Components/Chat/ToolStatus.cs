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
        "error" or "denied" => "bad",
        "awaiting_approval" => "warn",
        "running" or "approved" or "queued" => "info",
        _ => "neutral",
    };
}
