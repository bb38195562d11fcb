using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Maestro.Core.Conversations.Transfer;

/// <summary>
/// An export as a Markdown transcript for reading and sharing: each message under a heading with who wrote it (the
/// model, for answers) and when, tool calls with their arguments, decision and result, usage per answer.
/// </summary>
public static class MarkdownTranscript
{
    public static string Render(ExportDocument document)
    {
        var md = new StringBuilder();
        var s = document.Session;
        md.Append("# ").AppendLine(s.Name).AppendLine();
        md.Append("- Model: `").Append(s.Model).AppendLine("`");
        if (s.Auth is not null)
        {
            md.Append("- Auth: `").Append(s.Auth).AppendLine("`");
        }

        md.Append("- Exported: ").AppendLine(Time(document.ExportedAt));
        md.Append("- Messages: ").AppendLine(document.Messages.Count.ToString(CultureInfo.InvariantCulture));
        if (s.SystemPrompt is { Length: > 0 } system)
        {
            md.AppendLine().AppendLine("<details><summary>System prompt</summary>").AppendLine();
            Fence(md, system, "text");
            md.AppendLine("</details>");
        }

        foreach (var m in document.Messages)
        {
            md.AppendLine();
            switch (m.Role)
            {
                case "user":
                    md.Append("## User · ").AppendLine(Time(m.CreatedAt));
                    break;
                case "assistant":
                    md.Append("## Assistant").Append(m.Model is null ? "" : $" · {m.Model}").Append(" · ").AppendLine(Time(m.CreatedAt));
                    break;
                case "summary":
                    md.Append("## Summary of earlier messages · ").AppendLine(Time(m.CreatedAt));
                    break;
                default:
                    md.AppendLine("### Tool results");
                    break;
            }

            if (!m.InContext)
            {
                md.AppendLine().AppendLine("*(removed from the model's context)*");
            }

            foreach (var b in m.Blocks)
            {
                md.AppendLine();
                Block(md, b);
            }

            if (m.Status != "complete")
            {
                md.AppendLine().Append("> **").Append(m.Status).Append("**").AppendLine(m.Error is null ? "" : $": {m.Error}");
            }

            if (m.Usage is { } u)
            {
                md.AppendLine().Append("<sub>").Append(u.InputTokens ?? 0).Append(" in · ").Append(u.OutputTokens ?? 0).Append(" out")
                    .Append(u.CachedInputTokens is > 0 ? $" · {u.CachedInputTokens} cached" : "")
                    .Append(m.LatencyMs is { } ms ? $" · {ms / 1000.0:0.0} s" : "").AppendLine("</sub>");
            }
        }

        return md.ToString();
    }

    private static void Block(StringBuilder md, ExportedBlock b)
    {
        switch (b.Type)
        {
            case "text":
                md.AppendLine(b.Text);
                break;
            case "reasoning":
                md.AppendLine("<details><summary>Reasoning</summary>").AppendLine();
                md.AppendLine(b.Text).AppendLine().AppendLine("</details>");
                break;
            case "tool_call":
                md.Append("**Tool call** `").Append(b.Name).AppendLine("`").AppendLine();
                if (b.Name == "shell" && b.Arguments is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("command", out var command) &&
                    command.ValueKind == JsonValueKind.String)
                {
                    Fence(md, "$ " + command.GetString(), "sh");
                }
                else
                {
                    Fence(md, b.Arguments is { } args ? JsonSerializer.Serialize(args, TransferJson.Options) : "{}", "json");
                }

                break;
            case "tool_result":
                md.Append("**Result** of `").Append(b.Name ?? b.CallId).Append('`')
                    .Append(b.Approval switch
                    {
                        "approved" => " (approved once)",
                        "approved_session" => " (approved for the session)",
                        "denied" => b.ApprovalReason is { } reason ? $" (denied: {reason})" : " (denied)",
                        _ => "",
                    })
                    .AppendLine(b.IsError == true && b.Approval != "denied" ? " — failed" : "").AppendLine();
                Fence(md, b.Result ?? "", "text");
                break;
            case "image":
                md.Append("*[image: ").Append(b.FileName ?? b.MediaType).AppendLine("]*");
                break;
            case "file":
                md.Append("*[file: ").Append(b.FileName ?? b.MediaType).AppendLine("]*");
                break;
        }
    }

    /// <summary>A fenced block whose fence is longer than any backtick run inside, so the content cannot end it.</summary>
    private static void Fence(StringBuilder md, string text, string language)
    {
        var longest = 0;
        var run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        var fence = new string('`', Math.Max(3, longest + 1));
        md.Append(fence).AppendLine(language).AppendLine(text.TrimEnd('\n')).AppendLine(fence);
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
