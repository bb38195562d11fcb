using System.Text.Json;
using Maestro.Core.Providers;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Chat;

/// <summary>
/// One normalized stream event as the outside world sees it (CLI `--json` lines, server-sent events): a flat record
/// whose <see cref="Type"/> says which members are set. Built from the M.E.AI contents of an update.
/// </summary>
public sealed record StreamEvent
{
    public required string Type { get; init; }

    public string? Text { get; init; }

    /// <summary>
    /// For "text" deltas of a turn: how many characters of the message's text came before this one. A viewer that
    /// starts from a snapshot of N characters skips what it already has, so nothing is shown twice or lost.
    /// </summary>
    public long? Offset { get; init; }

    /// <summary>Reasoning replay data is opaque; only whether it is present is shown.</summary>
    public bool? HasProtectedData { get; init; }

    public string? CallId { get; init; }

    public string? Name { get; init; }

    public IDictionary<string, object?>? Arguments { get; init; }

    public string? Error { get; init; }

    public string? Code { get; init; }

    public long? InputTokens { get; init; }

    public long? OutputTokens { get; init; }

    public long? CachedInputTokens { get; init; }

    public long? ReasoningTokens { get; init; }

    public long? TotalTokens { get; init; }

    public string? FinishReason { get; init; }

    public string? Model { get; init; }

    public string? ResponseId { get; init; }

    /// <summary>The events one update carries, in order (an update may hold several contents and a finish reason).</summary>
    public static List<StreamEvent> From(ChatResponseUpdate update)
    {
        var events = new List<StreamEvent>(update.Contents.Count + 1);
        AddTo(events, update);
        return events;
    }

    /// <summary>Appends the update's events to a list the caller reuses (the turn engine does, once per token).</summary>
    public static void AddTo(List<StreamEvent> events, ChatResponseUpdate update)
    {
        long noOffset = -1;
        AddTo(events, update, ref noOffset);
    }

    /// <summary>
    /// The same, with each text delta stamped with <paramref name="textOffset"/> (then advanced past it): where the
    /// text goes in the message. A negative offset stamps nothing.
    /// </summary>
    public static void AddTo(List<StreamEvent> events, ChatResponseUpdate update, ref long textOffset)
    {
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    if (textOffset < 0)
                    {
                        events.Add(new StreamEvent { Type = "text", Text = text.Text });
                    }
                    else
                    {
                        events.Add(new StreamEvent { Type = "text", Text = text.Text, Offset = textOffset });
                        textOffset += text.Text.Length;
                    }

                    break;
                case TextReasoningContent reasoning:
                    events.Add(new StreamEvent
                    {
                        Type = "reasoning",
                        Text = reasoning.Text.Length == 0 ? null : reasoning.Text,
                        HasProtectedData = reasoning.ProtectedData is null ? null : true,
                    });
                    break;
                case FunctionCallContent call:
                    events.Add(new StreamEvent
                    {
                        Type = "tool_call",
                        CallId = call.CallId,
                        Name = call.Name,
                        Arguments = call.Arguments,
                        Error = call.Exception?.Message,
                    });
                    break;
                case UsageContent usage:
                    events.Add(new StreamEvent
                    {
                        Type = "usage",
                        InputTokens = usage.Details.InputTokenCount,
                        OutputTokens = usage.Details.OutputTokenCount,
                        CachedInputTokens = usage.Details.CachedInputTokenCount,
                        ReasoningTokens = usage.Details.ReasoningTokenCount,
                        TotalTokens = usage.Details.TotalTokenCount ?? (usage.Details.InputTokenCount ?? 0) + (usage.Details.OutputTokenCount ?? 0),
                    });
                    break;
                case ErrorContent error:
                    events.Add(new StreamEvent { Type = "error", Error = error.Message, Code = error.ErrorCode });
                    break;
                default:
                    break;
            }
        }

        if (update.FinishReason is { } finish)
        {
            events.Add(new StreamEvent { Type = "finish", FinishReason = finish.Value, Model = update.ModelId, ResponseId = update.ResponseId });
        }
    }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
