namespace Maestro.Web.Components.Chat;

/// <summary>Element ids shared by the page and the live fragments that update it (out-of-band swaps target them).</summary>
public static class DomIds
{
    public static string Message(Guid id) => $"m-{id:N}";

    public static string Done(Guid id) => $"d-{id:N}";

    public static string Tail(Guid id) => $"t-{id:N}";

    public static string Reasoning(Guid id) => $"r-{id:N}";

    public static string ReasoningText(Guid id) => $"rt-{id:N}";

    public static string Calls(Guid id) => $"c-{id:N}";

    /// <summary>Call ids come from providers; anything outside [A-Za-z0-9_-] is replaced so the id is a plain CSS selector.</summary>
    public static string ToolCall(string callId)
    {
        Span<char> buffer = callId.Length <= 128 ? stackalloc char[callId.Length] : new char[callId.Length];
        for (var i = 0; i < callId.Length; i++)
        {
            var c = callId[i];
            buffer[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_';
        }

        return string.Concat("tc-", buffer);
    }

    public static string SessionStatus(Guid sessionId) => $"ss-{sessionId:N}";
}
