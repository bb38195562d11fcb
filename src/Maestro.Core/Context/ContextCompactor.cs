using System.Text;
using Maestro.Core.Conversations;
using Maestro.Core.Errors;
using Maestro.Core.Events;
using Maestro.Core.Providers;
using Maestro.Core.Sessions;
using Maestro.Core.Tools;
using Maestro.Core.Usage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Maestro.Core.Context;

/// <summary>
/// Keeps a long conversation inside the model's window: older turns are summarized by the session's own model into a
/// summary message (given to the model with the system prompt); the latest exchanges stay word for word. The cut is
/// always at a user message, so a tool call is never separated from its result.
/// </summary>
public sealed class ContextCompactor(
    IConversationStore conversations,
    ContextAssembler assembler,
    ContextWindows windows,
    ProviderConnections connections,
    SessionEventHub events,
    ILogger<ContextCompactor> logger)
{
    /// <summary>Below this many tokens no conversation needs compacting, whatever the model.</summary>
    private const int SmallestWindow = 2048;

    /// <summary>User turns kept word for word after compaction.</summary>
    private const int KeepUserTurns = 2;

    /// <summary>Longest tool result quoted into the summary request.</summary>
    private const int ResultChars = 2000;

    public const string SummaryInstructions = """
        You compress a conversation between a user and an AI assistant so the assistant can continue it without the
        original. Write a faithful summary: the user's goals and constraints, decisions made, facts learned, files and
        commands involved (with paths), tool results that still matter, open questions, and what was about to happen
        next. Use short sections and bullet points. Do not invent anything.
        """;

    /// <summary>
    /// Compacts a turn's thread (already loaded) when the context assembled from it, of <paramref name="estimate"/>
    /// tokens (<see cref="AssembledContext.EstimatedTokens"/>), no longer fits the model's window; true when it compacted
    /// (the thread changed). The estimate is the context the round would send, so the thread is not translated again.
    /// </summary>
    public async Task<bool> CompactIfNeededAsync(
        Session session, IProvider provider, ProviderConnection connection, List<ConversationMessage> stored, int estimate,
        CancellationToken cancellationToken)
    {
        if (!session.Settings.AutoCompact || session.CurrentThreadId is null)
        {
            return false;
        }

        // No model has a window this small: a short conversation needs no lookup of the model's window.
        if (estimate < SmallestWindow * session.Settings.CompactAt)
        {
            return false;
        }

        var window = await windows.ForAsync(provider, connection, session.Model, cancellationToken);
        if (estimate < window * session.Settings.CompactAt || FindCut(stored) is null)
        {
            return false;
        }

        logger.LogInformation("Session {Session}: context ~{Estimate} tokens of {Window}; compacting.", session.Name, estimate, window);
        await CompactAsync(session, provider, connection, stored, cancellationToken);
        return true;
    }

    /// <summary>Summarizes everything before the last exchanges (the `/compact` command).</summary>
    public async Task<CompactionResult> CompactAsync(Session session, IProvider provider, ProviderConnection connection, CancellationToken cancellationToken)
    {
        if (session.CurrentThreadId is not { } threadId)
        {
            throw new ValidationFailedException("session", "There is nothing to compact: the session has no conversation yet.");
        }

        return await CompactAsync(session, provider, connection, await assembler.LoadThreadAsync(threadId, cancellationToken), cancellationToken);
    }

    private async Task<CompactionResult> CompactAsync(
        Session session, IProvider provider, ProviderConnection connection, List<ConversationMessage> stored, CancellationToken cancellationToken)
    {
        var cut = FindCut(stored) ?? throw new ValidationFailedException("session",
            $"There is nothing to compact yet: the conversation is only its last {KeepUserTurns} exchanges.");
        var older = stored.Where(m => m.InContext && m.Seq < cut && m.Role != MessageRole.Summary).ToList();
        var previousSummaries = stored.Where(m => m.Role == MessageRole.Summary && m.ExcludedAt is null).ToList();

        var transcript = new StringBuilder();
        foreach (var summary in previousSummaries)
        {
            transcript.Append("[Earlier summary]\n").Append(summary.Text).Append("\n\n");
        }

        foreach (var m in older)
        {
            Render(transcript, m);
        }

        // Through the auth's pipeline, so the summary's tokens count for the session and the auth like a turn's.
        var client = connections.ChatClient(provider, connection);
        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Summarize this conversation:\n\n" + transcript)],
            new UsageScope(UsagePurposes.Compaction, session.Id).Apply(new ChatOptions { ModelId = session.Model, Instructions = SummaryInstructions }),
            cancellationToken);
        var text = response.Text.Trim();
        if (text.Length == 0)
        {
            throw new MaestroException("The model returned an empty summary; the context was left as it was.", "Try /compact again.");
        }

        var summaryMessage = await conversations.AppendAsync(new NewMessage(
            session.CurrentThreadId!.Value, MessageRole.Summary, [new TextContent(text)], MessageStatus.Complete,
            Provider: provider.Descriptor.Id, Model: session.Model, AuthId: connection.Auth.Id, AuthLabel: connection.AuthLabel), cancellationToken);
        if (response.Usage is { } usage)
        {
            // Shown with the summary like an answer's usage.
            await conversations.UpdateMessageAsync(summaryMessage.Id, new MessageUpdate { Usage = usage }, cancellationToken);
        }

        await conversations.SummarizeAsync([.. older.Select(m => m.Id)], summaryMessage.Id, cancellationToken);
        if (previousSummaries.Count > 0)
        {
            await conversations.ExcludeAsync([.. previousSummaries.Select(m => m.Id)], cancellationToken);
        }

        var result = new CompactionResult(summaryMessage.Id, older.Count, TokenEstimate.Of(transcript.ToString()), TokenEstimate.Of(text));
        events.Publish(new SessionEvent
        {
            SessionId = session.Id,
            Type = SessionEventTypes.ContextCompacted,
            MessageId = summaryMessage.Id,
            Notice = $"Compacted the context: {result.Messages} older messages (~{result.TokensBefore:N0} tokens) summarized in ~{result.TokensAfter:N0} tokens.",
        });
        return result;
    }

    /// <summary>The seq of the user message from which the last exchanges are kept; null when there is nothing older.</summary>
    private static long? FindCut(List<ConversationMessage> stored)
    {
        var seen = 0;
        for (var i = stored.Count - 1; i >= 0; i--)
        {
            if (stored[i].InContext && stored[i].Role == MessageRole.User && ++seen == KeepUserTurns)
            {
                var cut = stored[i].Seq;
                for (var j = 0; j < i; j++)
                {
                    if (stored[j].InContext && stored[j].Role != MessageRole.Summary)
                    {
                        return cut;
                    }
                }

                return null;
            }
        }

        return null;
    }

    private static void Render(StringBuilder transcript, ConversationMessage m)
    {
        transcript.Append('[').Append(m.Role.ToWire()).Append("]\n");
        foreach (var content in m.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    transcript.Append(t.Text).Append('\n');
                    break;
                case FunctionCallContent call:
                    transcript.Append("(called ").Append(call.Name).Append(' ')
                        .Append(System.Text.Json.JsonSerializer.Serialize(call.Arguments)).Append(")\n");
                    break;
                case FunctionResultContent result:
                    transcript.Append("(result) ").Append(OutputTruncation.HeadTail(result.Result?.ToString() ?? "", ResultChars)).Append('\n');
                    break;
                default:
                    break;
            }
        }

        transcript.Append('\n');
    }
}
