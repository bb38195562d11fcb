using System.Globalization;
using System.Text;
using Maestro.Core.Conversations;
using Maestro.Core.Prompts;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Microsoft.Extensions.AI;

namespace Maestro.Core.Context;

/// <summary>
/// Builds what the model sees for the next call: the system prompt stack, the conversation translated for the target
/// provider, and the tools. Switching provider between turns keeps tool call ids and results; reasoning replay data
/// and provider item ids are kept only for messages the same provider wrote (another provider cannot verify them).
/// </summary>
public sealed class ContextAssembler(IPromptStore prompts, IConversationStore conversations, TimeProvider time)
{
    /// <summary>Messages are fetched in pages of this size.</summary>
    private const int PageSize = 500;

    /// <summary>The context from a thread and prompt texts already loaded (a turn loads them once, not every round).</summary>
    public AssembledContext Build(Session session, string provider, List<ConversationMessage> stored, ToolSet tools, IReadOnlyList<string> promptTexts)
    {
        var instructions = Instructions(session, promptTexts, stored, tools);
        var messages = Translate(stored, provider);
        var options = new ChatOptions
        {
            ModelId = session.Model,
            Instructions = instructions,
            Temperature = session.Settings.Temperature,
            MaxOutputTokens = session.Settings.MaxOutputTokens,
            Tools = tools.Count == 0 ? null : [.. tools.Declarations],
            ToolMode = tools.Count == 0 ? null : ChatToolMode.Auto,
            AllowMultipleToolCalls = tools.Count == 0 ? null : true,
        };
        if (ReasoningEffortParser.Parse(session.Settings.ReasoningEffort) is { } effort)
        {
            options.Reasoning = new ReasoningOptions { Effort = effort, Output = ReasoningOutput.Summary };
        }

        return new AssembledContext(messages, options, stored, TokenEstimate.Of(instructions) + TokenEstimate.Of(messages));
    }

    public async Task<List<ConversationMessage>> LoadThreadAsync(Guid threadId, CancellationToken cancellationToken)
    {
        var all = new List<ConversationMessage>();
        long? before = null;
        while (true)
        {
            var page = await conversations.ListMessagesAsync(threadId, before, PageSize, cancellationToken);
            all.InsertRange(0, page);
            if (page.Count < PageSize)
            {
                return all;
            }

            before = page[0].Seq;
        }
    }

    /// <summary>The thread's messages after <paramref name="afterSeq"/>, in order (a running turn catching up).</summary>
    public Task<IReadOnlyList<ConversationMessage>> LoadThreadAfterAsync(Guid threadId, long afterSeq, CancellationToken cancellationToken) =>
        conversations.ListMessagesAfterAsync(threadId, afterSeq, cancellationToken);

    /// <summary>The texts of the session's prompt stack (personas and system prompts) in stack order, in one read.</summary>
    public async Task<IReadOnlyList<string>> PromptTextsAsync(Session session, CancellationToken cancellationToken)
    {
        if (session.PromptStack.Count == 0)
        {
            return [];
        }

        var texts = new List<string>(session.PromptStack.Count);
        foreach (var text in await prompts.ContentsAsync(session.PromptStack, cancellationToken))
        {
            // A prompt deleted since the session named it adds nothing.
            if (text is { Length: > 0 })
            {
                texts.Add(text.Trim());
            }
        }

        return texts;
    }

    /// <summary>The instructions with the prompt stack read now (the context report).</summary>
    public async Task<string?> InstructionsAsync(Session session, IReadOnlyList<ConversationMessage> stored, ToolSet tools, CancellationToken cancellationToken) =>
        Instructions(session, await PromptTextsAsync(session, cancellationToken), stored, tools);

    /// <summary>Persona and system prompts (in stack order), the session's own prompt, the environment, summaries.</summary>
    public string? Instructions(Session session, IReadOnlyList<string> promptTexts, IReadOnlyList<ConversationMessage> stored, ToolSet tools)
    {
        var parts = new List<string>(promptTexts);
        if (!string.IsNullOrWhiteSpace(session.SystemPrompt))
        {
            parts.Add(session.SystemPrompt.Trim());
        }

        if (session.WorkingDirectory is not null && tools.Count > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture,
                $"You are working in the directory {session.WorkingDirectory}. File paths are relative to it and tools cannot leave it. Today is {time.GetUtcNow():yyyy-MM-dd}."));
        }

        foreach (var summary in stored)
        {
            if (summary.Role == MessageRole.Summary && summary.ExcludedAt is null)
            {
                parts.Add("Summary of the earlier part of this conversation:\n" + summary.Text.Trim());
            }
        }

        return parts.Count == 0 ? null : string.Join("\n\n", parts);
    }

    /// <summary>Stored messages → chat messages for <paramref name="provider"/>, with every call answered exactly once.</summary>
    public static List<ChatMessage> Translate(IReadOnlyList<ConversationMessage> stored, string provider)
    {
        var answered = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in stored)
        {
            if (m.InContext && m.Role == MessageRole.Tool)
            {
                foreach (var c in m.Contents)
                {
                    if (c is FunctionResultContent r)
                    {
                        answered.Add(r.CallId);
                    }
                }
            }
        }

        var messages = new List<ChatMessage>();
        var called = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in stored)
        {
            if (!m.InContext || m.Role == MessageRole.Summary)
            {
                continue;
            }

            switch (m.Role)
            {
                case MessageRole.User:
                    Append(messages, ChatRole.User, [.. m.Contents]);
                    break;
                case MessageRole.Assistant:
                    var contents = ForProvider(m, provider);
                    var unanswered = new List<AIContent>();
                    foreach (var c in contents)
                    {
                        if (c is FunctionCallContent call)
                        {
                            called.Add(call.CallId);
                            if (!answered.Contains(call.CallId))
                            {
                                unanswered.Add(new FunctionResultContent(call.CallId,
                                    "Error: this tool call was not run (the turn stopped before it). Call it again if it is still needed."));
                            }
                        }
                    }

                    if (contents.Count > 0)
                    {
                        Append(messages, ChatRole.Assistant, contents);
                    }

                    if (unanswered.Count > 0)
                    {
                        Append(messages, ChatRole.Tool, unanswered);
                    }

                    break;
                case MessageRole.Tool:
                    var results = new List<AIContent>();
                    foreach (var c in m.Contents)
                    {
                        // A result whose call was removed from the context would confuse every provider: drop it.
                        if (c is FunctionResultContent r && called.Contains(r.CallId))
                        {
                            results.Add(r);
                        }
                    }

                    if (results.Count > 0)
                    {
                        Append(messages, ChatRole.Tool, results);
                    }

                    break;
                default:
                    break;
            }
        }

        return messages;
    }

    private static List<AIContent> ForProvider(ConversationMessage message, string provider)
    {
        var sameProvider = string.Equals(message.Provider, provider, StringComparison.Ordinal);
        var result = new List<AIContent>(message.Contents.Count);
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case TextContent t when t.Text.Length > 0:
                    result.Add(t);
                    break;
                case TextReasoningContent r when sameProvider:
                    result.Add(r);
                    break;
                case FunctionCallContent call when sameProvider:
                    result.Add(call);
                    break;
                case FunctionCallContent call:
                    // Same id, name and arguments; without another provider's signatures and item ids.
                    result.Add(new FunctionCallContent(call.CallId, call.Name, call.Arguments));
                    break;
                case DataContent or UriContent:
                    result.Add(content);
                    break;
                case TextContent or TextReasoningContent:
                    break;
                default:
                    // Provider-native contents (e.g. Gemini code execution) go back only to the provider that made them.
                    if (sameProvider)
                    {
                        result.Add(content);
                    }

                    break;
            }
        }

        return result;
    }

    /// <summary>Consecutive messages of one role are merged: providers expect alternating turns.</summary>
    private static void Append(List<ChatMessage> messages, ChatRole role, List<AIContent> contents)
    {
        if (messages.Count > 0 && messages[^1].Role == role)
        {
            foreach (var c in contents)
            {
                messages[^1].Contents.Add(c);
            }

            return;
        }

        messages.Add(new ChatMessage(role, contents));
    }
}
